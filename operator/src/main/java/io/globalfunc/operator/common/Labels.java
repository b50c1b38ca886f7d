package io.globalfunc.operator.common;

/** Label and annotation keys the operator writes; one place so selectors and builders agree. */
public final class Labels {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String WORKER = "globalfunc.io/worker";
  public static final String RELEASE = "globalfunc.io/release";
  public static final String PORT = "globalfunc.io/port";

  public static final String SPEC_HASH = "globalfunc.io/spec-hash";
  public static final String COMMIT = "globalfunc.io/commit";
  public static final String IDENTITY = "globalfunc.io/identity";

  public static final String OPERATOR = "globalfunc-operator";
  public static final String WORKER_APP = "globalfunc-worker";

  /** Selects every object this operator manages (informers watch only these). */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}
}
