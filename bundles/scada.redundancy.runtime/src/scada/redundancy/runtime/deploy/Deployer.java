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
 * Each server applies its deployment atomically or refuses it whole; a refusal or an unreachable
 * server does not stop the push to the others (their results say what happened where).
 */
public final class Deployer {
    /** Told of each server before and after; asked between servers whether to go on. Any thread. */
    public interface Progress {
        default void pushing(Deployment deployment, InetSocketAddress endpoint) {
        }

        default void pushed(DeployResult result) {
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
     * @return one result per deployment pushed, in order (fewer when canceled)
     */
    public static List<DeployResult> push(MonitorClient client, List<Deployment> deployments,
            Map<String, InetSocketAddress> endpoints, long waitMs, Progress progress) {
        List<DeployResult> results = new ArrayList<>();
        for (Deployment d : deployments) {
            if (progress.canceled()) {
                break;
            }
            InetSocketAddress at = endpointOf(d, endpoints);
            progress.pushing(d, at);
            DeployResult r = pushOne(client, d, at, waitMs);
            results.add(r);
            progress.pushed(r);
        }
        return results;
    }

    /** Where a server is reached: as given, else its view's address and This SCADA port. */
    public static InetSocketAddress endpointOf(Deployment d, Map<String, InetSocketAddress> endpoints) {
        InetSocketAddress given = endpoints.get(d.symbol());
        return given != null ? given
                : new InetSocketAddress(d.view().address(), d.view().configuration().thisScada().port());
    }

    private static DeployResult pushOne(MonitorClient client, Deployment d, InetSocketAddress at, long waitMs) {
        String endpoint = at.getHostString() + ":" + at.getPort();
        try {
            LinkProtocol.DeployAnswer answer = client.deploy(at, d.toWire()).get(waitMs, TimeUnit.MILLISECONDS);
            return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.APPLIED,
                    answer.configuration() + "; " + answer.project());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LinkAccess.ActionRefused) {
                return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.REFUSED, cause.getMessage());
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
                    "no answer within " + waitMs + " ms: it may still apply the deployment; check its status");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeployResult(d.symbol(), endpoint, DeployResult.Outcome.UNREACHABLE, "interrupted");
        }
    }
}
