package scada.redundancy.model;

import static scada.redundancy.model.ConfigField.*;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import scada.redundancy.model.internal.Messages;

/**
 * The rules of a redundancy configuration. The studio shows the problems in the editor and the
 * Problems view; a runtime server refuses a configuration with errors; {@code check} prints them.
 * Every problem names its field and says how to fix it.
 */
public final class ConfigurationValidator {
    public static final int MAX_SYMBOL_LENGTH = 64;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private ConfigurationValidator() {
    }

    /** Validates without knowing the server's own addresses (the studio's case). */
    public static ValidationReport validate(RedundancyConfiguration configuration) {
        return validate(configuration, ValidationContext.unknownHost());
    }

    public static ValidationReport validate(RedundancyConfiguration configuration, ValidationContext context) {
        List<Problem> problems = new ArrayList<>();
        new Run(configuration, context, problems).all();
        // The rules run in the order they need (a duplicate address needs a valid port); the report
        // is in the order of the screen. The sort is stable: one field's problems keep their order.
        problems.sort(Comparator.comparingInt(Problem::partnerIndex).thenComparing(Problem::field));
        return new ValidationReport(problems);
    }

    /** One validation: collects the problems of one configuration. */
    private static final class Run {
        private final RedundancyConfiguration config;
        private final LocalServer local;
        private final ValidationContext context;
        private final List<Problem> problems;

        Run(RedundancyConfiguration config, ValidationContext context, List<Problem> problems) {
            this.config = config;
            this.local = config.thisScada();
            this.context = context;
            this.problems = problems;
        }

        void all() {
            thisScada();
            Map<String, Integer> symbols = new HashMap<>();
            symbols.put(symbolKey(local.symbol()), -1);
            Map<Integer, Integer> numbers = new HashMap<>();
            Map<String, Integer> endpoints = new HashMap<>();
            for (int i = 0; i < config.partners().size(); i++) {
                partner(i, config.partners().get(i), symbols, numbers, endpoints);
            }
        }

        private void thisScada() {
            symbol(THIS_SYMBOL, -1, local.symbol());
            if (!validPort(local.port())) {
                error(THIS_PORT, -1, Messages.format("port.range", local.port()), Messages.get("port.range.fix"), null);
            }
            text(THIS_DATABASE, -1, local.database());
            text(THIS_COMMENT, -1, local.comment());
            if (local.enableDbSync() && local.database().isBlank()) {
                error(THIS_DATABASE, -1, Messages.get("dbsync.database.missing"),
                        Messages.get("dbsync.database.missing.fix"), new QuickFix(Messages.get("dbsync.turnOff.fix"),
                                c -> c.withThisScada(c.thisScada().withEnableDbSync(false))));
            }
            if (local.startupAllowanceMs() < 0) {
                error(THIS_STARTUP_ALLOWANCE, -1, Messages.format("allowance.negative", local.startupAllowanceMs()),
                        Messages.get("allowance.negative.fix"), new QuickFix(
                                Messages.format("allowance.default.fix", LocalServer.DEFAULT_STARTUP_ALLOWANCE_MS),
                                c -> c.withThisScada(c.thisScada()
                                        .withStartupAllowanceMs(LocalServer.DEFAULT_STARTUP_ALLOWANCE_MS))));
            }
            if (local.activate() && config.activePartners().isEmpty()) {
                warning(THIS_ACTIVATE, -1, Messages.get("activate.noPartner"), Messages.get("activate.noPartner.fix"),
                        null);
            }
        }

        private void partner(int i, Partner p, Map<String, Integer> symbols, Map<Integer, Integer> numbers,
                Map<String, Integer> endpoints) {
            if (i == ConfigurationFile.MAX_PARTNERS) {
                error(PARTNER_NO, i, Messages.format("partners.tooMany", i + 1, ConfigurationFile.MAX_PARTNERS),
                        Messages.format("partners.tooMany.fix", i + 1), null);
            }
            if (p.no() <= 0) {
                error(PARTNER_NO, i, Messages.format("no.positive", p.no()), Messages.get("no.fix"), renumber(i));
            } else {
                Integer other = numbers.putIfAbsent(p.no(), i);
                if (other != null) {
                    error(PARTNER_NO, i, Messages.format("no.duplicate", p.no(), other + 1), Messages.get("no.fix"),
                            renumber(i));
                }
            }

            if (symbol(PARTNER_SYMBOL, i, p.symbol())) {
                Integer other = symbols.putIfAbsent(symbolKey(p.symbol()), i);
                if (other != null) {
                    String where = other < 0 ? Messages.get("symbol.thisScada")
                            : Messages.format("symbol.partnerRow", other + 1);
                    error(PARTNER_SYMBOL, i, Messages.format("symbol.duplicate", p.symbol(), where),
                            Messages.get("symbol.duplicate.fix"), null);
                }
            }

            Optional<InetAddress> address = IpAddresses.parse(p.ipAddress());
            Optional<IpAddresses.NotOneServer> notOneServer = address.flatMap(IpAddresses::notOneServer);
            if (p.ipAddress().isBlank()) {
                error(PARTNER_IP_ADDRESS, i, Messages.get("ip.missing"), Messages.get("ip.fix"), null);
            } else if (address.isEmpty()) {
                error(PARTNER_IP_ADDRESS, i, Messages.format("ip.invalid", p.ipAddress()), Messages.get("ip.fix"),
                        null);
            } else if (notOneServer.isPresent()) {
                error(PARTNER_IP_ADDRESS, i, notOneServerMessage(p.ipAddress(), notOneServer.get()),
                        Messages.get("ip.oneServer.fix"), null);
            } else if (context.localAddresses().contains(address.get()) && p.port() == local.port()) {
                error(PARTNER_IP_ADDRESS, i, Messages.format("ip.self", p.ipAddress(), p.port()),
                        Messages.get("ip.self.fix"), null);
            }

            if (!validPort(p.port())) {
                error(PARTNER_PORT, i, Messages.format("port.range", p.port()), Messages.get("port.range.fix"),
                        portFix(i));
            } else if (p.port() != local.port()) {
                error(PARTNER_PORT, i, Messages.format("port.mismatch", p.port(), local.port()),
                        Messages.get("port.mismatch.fix"), portFix(i));
            }

            if (address.isPresent() && validPort(p.port())) {
                String endpoint = address.get().getHostAddress() + "#" + p.port();
                Integer other = endpoints.putIfAbsent(endpoint, i);
                if (other != null) {
                    error(PARTNER_IP_ADDRESS, i,
                            Messages.format("ip.duplicate", p.ipAddress(), p.port(), other + 1),
                            Messages.get("ip.duplicate.fix"), null);
                }
            }

            timing(i, p);
            text(PARTNER_COMMENT, i, p.comment());

            if (p.retryCount() < 0) {
                error(PARTNER_RETRY_COUNT, i, Messages.format("retry.negative", p.retryCount()),
                        Messages.get("retry.negative.fix"), new QuickFix(
                                Messages.format("retry.default.fix", Partner.DEFAULT_RETRY_COUNT),
                                c -> c.withPartner(i, c.partners().get(i).withRetryCount(Partner.DEFAULT_RETRY_COUNT))));
            }

            if (!p.certificateSha256().isBlank() && !SHA256_HEX.matcher(p.normalizedCertificateSha256()).matches()) {
                error(PARTNER_CERTIFICATE, i, Messages.format("certificate.invalid", p.certificateSha256()),
                        Messages.get("certificate.invalid.fix"), null);
            }
        }

        private void timing(int i, Partner p) {
            if (p.periodMs() <= 0) {
                error(PARTNER_PERIOD, i, Messages.format("period.positive", p.periodMs()),
                        Messages.format("period.positive.fix", Partner.DEFAULT_PERIOD_MS), new QuickFix(
                                Messages.format("period.default.fix", Partner.DEFAULT_PERIOD_MS),
                                c -> c.withPartner(i, c.partners().get(i).withPeriodMs(Partner.DEFAULT_PERIOD_MS))));
                return;
            }
            long minimum = (long) Partner.MINIMUM_TIMEOUT_FACTOR * p.periodMs();
            long recommended = (long) Partner.RECOMMENDED_TIMEOUT_FACTOR * p.periodMs();
            QuickFix fix = recommended <= Integer.MAX_VALUE
                    ? new QuickFix(Messages.format("timeout.fix.label", recommended),
                            c -> c.withPartner(i, c.partners().get(i).withTimeoutMs((int) recommended)))
                    : null;
            if (p.timeoutMs() < minimum) {
                error(PARTNER_TIMEOUT, i, Messages.format("timeout.belowMinimum", p.timeoutMs(), p.periodMs(), minimum),
                        Messages.format("timeout.fix", recommended), fix);
            } else if (p.timeoutMs() < recommended) {
                warning(PARTNER_TIMEOUT, i,
                        Messages.format("timeout.belowRecommended", p.timeoutMs(), p.periodMs(), recommended),
                        Messages.format("timeout.fix", recommended), fix);
            }
        }

        private QuickFix portFix(int i) {
            if (!validPort(local.port())) {
                return null;
            }
            return new QuickFix(Messages.format("port.mismatch.fix.label", local.port()),
                    c -> c.withPartner(i, c.partners().get(i).withPort(c.thisScada().port())));
        }

        private QuickFix renumber(int i) {
            return new QuickFix(Messages.format("no.fix.label", config.nextPartnerNo()),
                    c -> c.withPartner(i, c.partners().get(i).withNo(c.nextPartnerNo())));
        }

        private static String notOneServerMessage(String address, IpAddresses.NotOneServer why) {
            String key = switch (why) {
            case UNSPECIFIED -> "ip.unspecified";
            case THIS_NETWORK -> "ip.thisNetwork";
            case BROADCAST -> "ip.broadcast";
            case MULTICAST -> "ip.multicast";
            case RESERVED -> "ip.reserved";
            };
            return Messages.format(key, address);
        }

        /** Checks a Symbol; true if it is usable as a key for the uniqueness check. */
        private boolean symbol(ConfigField field, int i, String symbol) {
            if (symbol.isBlank()) {
                error(field, i, Messages.get("symbol.empty"), Messages.get("symbol.empty.fix"), null);
                return false;
            }
            if (symbol.length() > MAX_SYMBOL_LENGTH) {
                error(field, i, Messages.format("symbol.long", symbol.length(), MAX_SYMBOL_LENGTH),
                        Messages.format("symbol.long.fix", MAX_SYMBOL_LENGTH), null);
            }
            if (symbol.chars().anyMatch(Character::isISOControl)) {
                error(field, i, Messages.get("symbol.control"), Messages.get("symbol.control.fix"), null);
            }
            return true;
        }

        /**
         * A free text longer than the file holds: saved, the file could not be read again. (Symbol,
         * IP Address and certificate have stricter rules of their own.)
         */
        private void text(ConfigField field, int i, String text) {
            if (text.length() > ConfigurationFile.MAX_TEXT_LENGTH) {
                error(field, i, Messages.format("text.long", text.length(), ConfigurationFile.MAX_TEXT_LENGTH),
                        Messages.format("text.long.fix", ConfigurationFile.MAX_TEXT_LENGTH), null);
            }
        }

        private void error(ConfigField field, int i, String message, String howToFix, QuickFix fix) {
            problems.add(new Problem(Severity.ERROR, field, i, message, howToFix, Optional.ofNullable(fix)));
        }

        private void warning(ConfigField field, int i, String message, String howToFix, QuickFix fix) {
            problems.add(new Problem(Severity.WARNING, field, i, message, howToFix, Optional.ofNullable(fix)));
        }
    }

    private static String symbolKey(String symbol) {
        return symbol.strip().toLowerCase(Locale.ROOT);
    }

    private static boolean validPort(int port) {
        return port >= 1 && port <= 65535;
    }
}
