package scada.redundancy.opcua.internal;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import scada.redundancy.runtime.StatusContribution;

/**
 * The OPC UA sessions in the server's status (the Connected Client column): a
 * {@link StatusContribution} named {@value #SOURCE} that counts the activated sessions and names
 * each one by its client's application name (else its certificate's CN, else its application URI)
 * and address, e.g. {@code hmi-1 (10.0.0.7)}. Milo 0.6 keeps only the client's IP address with a
 * session, not its port. A session that was created but not activated (its user not yet
 * accepted) is not a client yet and is not shown.
 * <p>
 * It exists with the server's configuration, as {@link OpcUaComponent}, which calls {@link #show}
 * on its thread after each session event and every second.
 */
@Component(service = { StatusContribution.class, OpcUaClients.class }, configurationPid = "scada.redundancy.server",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class OpcUaClients extends StatusContribution {
    static final String SOURCE = "opcua";

    /** What was published last; the owner thread's. */
    private List<String> shown = List.of();

    public OpcUaClients() {
        super(SOURCE);
    }

    /** Publishes the activated ones of {@code sessions}, when they differ from what is shown. */
    void show(Collection<Session> sessions) {
        List<String> names = new ArrayList<>();
        for (Session s : sessions) {
            InetAddress address = s.getClientAddress(); // set when the session is activated
            if (address != null) {
                names.add(name(s.getClientDescription(), clientCertificate(s)) + " (" + address.getHostAddress() + ")");
            }
        }
        names.sort(null);
        if (!names.equals(shown)) {
            shown = List.copyOf(names);
            Snapshot.Builder b = Snapshot.builder();
            names.forEach(b::client);
            publish(b.clientCount(names.size()).build());
        }
    }

    private static X509Certificate clientCertificate(Session s) {
        return s.getSecurityConfiguration() == null ? null : s.getSecurityConfiguration().getClientCertificate();
    }

    /** The client's application name, else its certificate's CN, else its application URI. */
    static String name(ApplicationDescription client, X509Certificate certificate) {
        LocalizedText appName = client == null ? null : client.getApplicationName();
        if (appName != null && appName.getText() != null && !appName.getText().isBlank()) {
            return appName.getText().strip();
        }
        if (certificate != null) {
            try {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        return String.valueOf(rdn.getValue());
                    }
                }
            } catch (InvalidNameException e) {
                // not a name we can read: the URI below
            }
        }
        String uri = client == null ? null : client.getApplicationUri();
        return uri == null || uri.isBlank() ? "unnamed client" : uri;
    }
}
