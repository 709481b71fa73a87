package scada.redundancy.runtime.deploy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import scada.redundancy.runtime.client.MonitorClient;
import scada.redundancy.runtime.link.LinkAccess;
import scada.redundancy.runtime.link.LinkClient;
import scada.redundancy.runtime.link.LinkProtocol;

/**
 * Pushes deployments to running servers over their authenticated link, one server after
 * another, as a monitoring client the servers approved as operator. Used by the command line and
 * the studio's export wizard alike, so both say the same words.
 * <p>
 * Each server applies its deployment atomically or refuses it whole. A push to a set goes in two
 * steps: every server first checks its deployment as applying would (its rules, its own view,
 * the project staged and read) and changes nothing; only when every one would apply it is it
 * pushed to each. So a server that refuses, or cannot be reached, stops the push before any
 * server changes, and the set never runs half old and half new for a reason known beforehand.
 * (A server that fails between its check and its push, e.g. a full disk, still refuses alone;
 * its result says so.) {@code partial} skips the first step: each server applies what it can
 * (a set with a server down for maintenance).
 */
public final class Deployer {
    /** Told of each server before and after; asked between servers whether to go on. Any thread. */
    public interface Progress {
        default void pushing(Deployment deployment, InetSocketAddress endpoint) {
        }

        default void pushed(DeployResult result) {
        }

        /** Before a server is asked to check its deployment (the first step). */
        default void checking(Deployment deployment, InetSocketAddress endpoint) {
        }

        default boolean canceled() {
            return false;
        }
    }

    private Deployer() {
    }

    /**
     * Pushes every deployment to its endpoint.
     *
     * @param endpoints where each server (by Symbol) is reached; a server missing here is reached at
     *                  its view's address and port
     * @param waitMs    how long to wait for one server's answer (the server validates, writes and
     *                  applies before it answers)
     * @param partial push to each server whatever the others say (no first step of checks)
     * @return one result per deployment, in order (fewer when canceled)
     */
    public static List<DeployResult> push(MonitorClient client, List<Deployment> deployments,
            Map<String, InetSocketAddress> endpoints, long waitMs, boolean partial, Progress progress) {
        if (!partial && deployments.size() > 1) {
            List<DeployResult> stopped = checkAll(client, deployments, endpoints, waitMs, progress);
            if (stopped != null) {
                stopped.forEach(progress::pushed);
                return stopped;
            }
        }
        List<DeployResult> results = new ArrayList<>();
        for (Deployment d : deployments) {
            if (progress.canceled()) {
                break;
            }
            InetSocketAddress at = endpointOf(d, endpoints);
            progress.pushing(d, at);
            DeployResult r = askOne(client, d, at, waitMs, false);
            results.add(r);
            progress.pushed(r);
        }
        return results;
    }

    /**
     * The first step: every server checks its deployment. Null when every one would apply it;
     * otherwise one result per server (empty when canceled): the refusals as they came, the others
     * not applied.
     */
    private static List<DeployResult> checkAll(MonitorClient client, List<Deployment> deployments,
            Map<String, InetSocketAddress> endpoints, long waitMs, Progress progress) {
        List<DeployResult> checks = new ArrayList<>();
        for (Deployment d : deployments) {
            if (progress.canceled()) {
                return List.of();
            }
            InetSocketAddress at = endpointOf(d, endpoints);
            progress.checking(d, at);
            checks.add(askOne(client, d, at, waitMs, true));
        }
        String why = checks.stream().filter(r -> r.outcome() != DeployResult.Outcome.APPLIED)
                .map(r -> r.symbol() + " " + r.outcome().word()).collect(java.util.stream.Collectors.joining(", "));
        if (why.isEmpty()) {
            return null;
        }
        return checks.stream().map(r -> r.outcome() != DeployResult.Outcome.APPLIED ? r
                : new DeployResult(r.symbol(), r.endpoint(), DeployResult.Outcome.NOT_APPLIED, "it would apply it, but "
                        + why + ": nothing was pushed to any server (fix that and deploy again, or update the others "
                        + "alone: deploy --partial, or the wizard's \"Apply on the servers that accept it\")"))
                .toList();
    }

    /** Where a server is reached: as given, else its view's address and This SCADA port. */
    public static InetSocketAddress endpointOf(Deployment d, Map<String, InetSocketAddress> endpoints) {
        InetSocketAddress given = endpoints.get(d.symbol());
        return given != null ? given
                : new InetSocketAddress(d.view().address(), d.view().configuration().thisScada().port());
    }

    /** Pushes one deployment, or with {@code check} asks the server to check it; APPLIED then means "would apply". */
    private static DeployResult askOne(MonitorClient client, Deployment d, InetSocketAddress at, long waitMs,
            boolean check) {
        String endpoint = at.getHostString() + ":" + at.getPort();
        try {
            LinkProtocol.DeployAnswer answer = (check ? client.checkDeployment(at, d.toWire()) : client.deploy(at, d.toWire()))
                    .get(waitMs, TimeUnit.MILLISECONDS);
            return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.APPLIED,
                    answer.configuration() + "; " + answer.project());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LinkAccess.ActionRefused) {
                String why = cause.getMessage();
                if (check && why != null && why.startsWith("unknown action")) {
                    why = "this server's version cannot check a deployment before applying it (" + why
                            + "): update it, or push with --partial";
                }
                return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.REFUSED, why);
            }
            if (cause instanceof LinkClient.ConversationFailed failed
                    && failed.result().failure() == scada.redundancy.runtime.ConnectResult.Failure.REJECTED) {
                // the server answered with a REJECT: e.g. this client is not approved as operator there
                String why = cause.getMessage();
                return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.REFUSED,
                        why.startsWith("refused: ") ? why.substring("refused: ".length()) : why);
            }
            if (cause instanceof IllegalArgumentException) {
                return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.REFUSED, cause.getMessage());
            }
            return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.UNREACHABLE,
                    cause == null ? e.toString() : cause.getMessage());
        } catch (TimeoutException e) {
            return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.UNREACHABLE,
                    check ? "no answer to the check within " + waitMs + " ms: nothing was changed there"
                            : "no answer within " + waitMs + " ms: it may still apply the deployment; check its status");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.UNREACHABLE, "interrupted");
        }
    }
}
