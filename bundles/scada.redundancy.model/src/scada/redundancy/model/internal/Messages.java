package scada.redundancy.model.internal;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/** The user-visible texts of the model bundle, from {@code messages.properties} beside this class. */
public final class Messages {
    private static final ResourceBundle BUNDLE = ResourceBundle.getBundle("scada.redundancy.model.internal.messages",
            Locale.ROOT, Messages.class.getClassLoader());

    private Messages() {
    }

    public static String get(String key) {
        return BUNDLE.getString(key);
    }

    public static String format(String key, Object... arguments) {
        MessageFormat format = new MessageFormat(BUNDLE.getString(key), Locale.ROOT);
        Object[] plain = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            // Numbers as typed in the file: 8000, not 8,000.
            plain[i] = arguments[i] instanceof Number ? String.valueOf(arguments[i]) : arguments[i];
        }
        return format.format(plain);
    }
}
