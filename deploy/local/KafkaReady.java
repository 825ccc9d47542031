import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Readiness probe for deploy/local/kafka.sh, run as a single-file source program:
 * {@code java -cp '<kafka libs>/*' KafkaReady.java <bootstrap> <timeoutSeconds> <brokerPid>}.
 *
 * <p>An open port is not enough: the broker must have elected itself controller and serve
 * metadata, so this waits until describeCluster returns a node and listTopics answers. Polling
 * in one JVM avoids paying a JVM start per attempt. Exit codes: 0 ready, 1 timed out, 2 the
 * broker process died.
 */
public class KafkaReady {
  public static void main(String[] args) throws InterruptedException {
    String bootstrap = args[0];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    long brokerPid = Long.parseLong(args[2]);

    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");

    String lastError = "no attempt made";
    try (Admin admin = Admin.create(config)) {
      while (System.nanoTime() < deadline) {
        if (!isAlive(brokerPid)) {
          System.err.println("broker process " + brokerPid + " exited before it became ready");
          System.exit(2);
        }
        try {
          int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
          admin.listTopics().names().get(5, TimeUnit.SECONDS);
          if (nodes > 0) {
            System.exit(0);
          }
          lastError = "cluster reports no nodes yet";
        } catch (ExecutionException | TimeoutException e) {
          lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        Thread.sleep(250);
      }
    }
    System.err.println("broker at " + bootstrap + " not ready in time; last error: " + lastError);
    System.exit(1);
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
