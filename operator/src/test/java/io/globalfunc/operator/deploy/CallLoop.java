package io.globalfunc.operator.deploy;

import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client calling {@code Util.mean} in a loop over some pods, as a caller of the documented
 * contract would: a refused connection or a 503 is retried (the call did not run), anything else
 * that is not the right answer is a failed call.
 */
final class CallLoop implements AutoCloseable {

  /** What the loop saw: answers, retries, failed calls (with why) and the commits that answered. */
  record Tally(long answers, long retries, List<String> failed, Set<String> commits) {
    @Override
    public String toString() {
      return answers
          + " answers, "
          + retries
          + " retries, "
          + failed.size()
          + " failed "
          + failed.stream().limit(3).toList();
    }
  }

  private final List<URI> calls;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong answers = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final List<String> failed = new CopyOnWriteArrayList<>();
  private final Set<String> commits = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();

  private CallLoop(List<URI> calls) {
    this.calls = calls;
  }

  /** Starts {@code threads} callers, each going round the pods. */
  static CallLoop start(List<URI> calls, int threads) {
    CallLoop loop = new CallLoop(calls);
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread thread = new Thread(() -> loop.run(first), "call-loop-" + t);
      thread.setDaemon(true);
      thread.start();
      loop.threads.add(thread);
    }
    return loop;
  }

  static HttpRequest request(URI call) {
    return HttpRequest.newBuilder(call)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"values\":[1,2,3,4]}"))
        .build();
  }

  private void run(int first) {
    for (long i = first; running.get(); i++) {
      URI call = calls.get((int) (i % calls.size()));
      try {
        HttpResponse<String> r = http.send(request(call), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 503) {
          retries.incrementAndGet();
        } else if (r.statusCode() == 200 && r.body().equals("2.5")) {
          answers.incrementAndGet();
          r.headers().firstValue("GF-Commit").ifPresent(commits::add);
        } else {
          failed.add(call + " answered " + r.statusCode() + ": " + r.body());
        }
      } catch (ConnectException refused) {
        retries.incrementAndGet();
      } catch (Exception e) {
        failed.add(call + ": " + e);
      }
    }
  }

  /** Waits until {@code n} more calls have answered. */
  void awaitAnswers(int n) {
    long target = answers.get() + n;
    await().atMost(Duration.ofMinutes(2)).until(() -> answers.get() >= target);
  }

  /** Stops the callers and returns what they saw. */
  Tally stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(70_000);
    }
    return new Tally(answers.get(), retries.get(), List.copyOf(failed), Set.copyOf(commits));
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
