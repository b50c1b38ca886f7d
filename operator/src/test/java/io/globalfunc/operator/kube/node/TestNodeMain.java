package io.globalfunc.operator.kube.node;

import io.globalfunc.operator.kube.KubeControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The test node outside the tests, for trying the operator on the control plane of {@code
 * scripts/kube-control-plane.sh}: the pods bound to it run as local processes, every image as the
 * built runtime jar, until Ctrl-C. Test code that plays scheduler and kubelet, not a kubelet.
 *
 * <p>Arguments: the control plane's state folder, the runtime jar, the node's name (its {@code
 * kubernetes.io/hostname}), then the namespaces whose pods it takes (none: every namespace).
 */
public final class TestNodeMain {

  private TestNodeMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: TestNodeMain STATE RUNTIME_JAR NODE [NAMESPACE...]");
      System.exit(2);
    }
    Path state = Path.of(args[0]);
    Path jar = Path.of(args[1]);
    if (!Files.isRegularFile(state.resolve("kubeconfig")) || !Files.isRegularFile(jar)) {
      System.err.println("no control plane in " + state + " or no runtime jar " + jar);
      System.exit(2);
    }
    String[] namespaces = Arrays.copyOfRange(args, 3, args.length);
    LocalProcessNode node =
        LocalProcessNode.start(
            KubeControlPlane.attach(state), args[2], new Images().otherwise(jar), namespaces);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                }));
    System.err.println(
        "test node "
            + node.name()
            + " runs the pods bound to it as local processes ("
            + (namespaces.length == 0 ? "every namespace" : String.join(", ", namespaces))
            + "); Ctrl-C stops them and removes the node");
    stopped.await();
  }
}
