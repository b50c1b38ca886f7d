package io.globalfunc.operator.kube;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension for tests on the real control plane: resolves a {@link KubeControlPlane}
 * parameter (started once per test run) and a {@link TestNamespace} parameter (a fresh namespace
 * enforcing Pod Security "restricted", named after the test method).
 */
public class KubeControlPlaneExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubeControlPlane.class || type == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    KubeControlPlane kube = KubeControlPlane.get();
    if (parameter.getParameter().getType() == KubeControlPlane.class) {
      return kube;
    }
    String hint = context.getTestMethod().map(m -> m.getName()).orElse("test");
    return new TestNamespace(kube.namespace(TestNamespace.dnsLabel(hint)));
  }
}
