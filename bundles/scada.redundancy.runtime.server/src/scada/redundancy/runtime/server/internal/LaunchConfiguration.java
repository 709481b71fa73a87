package scada.redundancy.runtime.server.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Turns the launcher's framework properties ({@code -Dduplex.config}, {@code duplex.bind},
 * {@code duplex.data}, {@code duplex.project}, {@code duplex.exitOnError}, as
 * {@code ./scada-redundancy server} passes them) into the Config Admin configuration of
 * {@link RedundancyComponent}. Every other {@code duplex.*} system property goes into it too,
 * without the prefix ({@code -Dduplex.dbsync.mode=sync} becomes {@code dbsync.mode}): other
 * components of the server that share the PID (DB sync) read their settings from it. A configuration made this way is marked as the launcher's: when a
 * later start has no {@code duplex.config}, it is deleted (Config Admin keeps configurations
 * across restarts, and a server started without one must stay idle); a configuration from
 * another source (a management agent) is left alone.
 */
@Component(immediate = true)
public final class LaunchConfiguration {
    /** The property that marks a configuration as made from the launcher's properties. */
    static final String SOURCE = "duplex.source";
    static final String FROM_LAUNCHER = "launcher";

    @Reference
    private ConfigurationAdmin admin;

    @Activate
    void activate(BundleContext context) throws IOException {
        // "?": a multi-location configuration, bound to no bundle, so the server bundle may use it.
        Configuration configuration = admin.getConfiguration(RedundancyComponent.PID, "?");
        Dictionary<String, Object> current = configuration.getProperties();
        String file = context.getProperty("duplex.config");
        if (file == null || file.isBlank()) {
            if (current != null && FROM_LAUNCHER.equals(current.get(SOURCE))) {
                configuration.delete();
            }
            if (current == null || FROM_LAUNCHER.equals(current.get(SOURCE))) {
                RedundancyComponent.log("no duplex.config property: the redundancy service is idle");
            }
            return;
        }
        Hashtable<String, Object> settings = new Hashtable<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("duplex.") && name.length() > "duplex.".length()) {
                settings.put(name.substring("duplex.".length()), System.getProperty(name));
            }
        }
        settings.remove("exitCode"); // the launcher's answer, not a setting
        settings.put("config", file);
        put(settings, context, "bind");
        put(settings, context, "data");
        put(settings, context, "project");
        settings.put("exitOnError", Boolean.parseBoolean(context.getProperty("duplex.exitOnError")));
        settings.put(SOURCE, FROM_LAUNCHER);
        configuration.updateIfDifferent(settings);
    }

    private static void put(Hashtable<String, Object> settings, BundleContext context, String name) {
        String value = context.getProperty("duplex." + name);
        if (value != null && !value.isBlank()) {
            settings.put(name, value);
        }
    }
}
