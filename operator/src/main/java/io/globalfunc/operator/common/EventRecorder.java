package io.globalfunc.operator.common;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Writes Kubernetes Events for what users must see. The same event for the same object is not
 * repeated within a quiet period, so a resource stuck in one state does not flood the namespace.
 * Messages must never carry secrets: callers pass redacted text only.
 */
public final class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final Duration QUIET = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final Map<String, Instant> recent = new ConcurrentHashMap<>();

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void normal(HasMetadata object, Reason reason, String message) {
    record(object, "Normal", reason.label(), message);
  }

  public void warning(HasMetadata object, Reason reason, String message) {
    record(object, "Warning", reason.label(), message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String key = object.getMetadata().getUid() + "|" + reason + "|" + message;
    Instant now = Instant.now();
    Instant last = recent.get(key);
    if (last != null && last.plus(QUIET).isAfter(now)) {
      return;
    }
    recent.put(key, now);
    if (recent.size() > 10_000) {
      recent.entrySet().removeIf(e -> e.getValue().plus(QUIET).isBefore(now));
    }
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(object.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      object.getMetadata().getName()
                          + "."
                          + UUID.randomUUID().toString().substring(0, 8))
                  .withNamespace(object.getMetadata().getNamespace())
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(object.getApiVersion())
                          .withKind(object.getKind())
                          .withName(object.getMetadata().getName())
                          .withNamespace(object.getMetadata().getNamespace())
                          .withUid(object.getMetadata().getUid())
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(time)
                  .withLastTimestamp(time)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(Labels.OPERATOR)
                  .endSource()
                  .build())
          .create();
    } catch (RuntimeException e) {
      // Events are best effort; never fail a reconcile because one could not be written.
      LOG.debugf("could not record event %s on %s: %s", reason, object.getMetadata().getName(), e);
    }
  }
}
