package io.globalfunc.operator.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The single owner of port assignments: per namespace, a ledger of which worker holds which port.
 *
 * <p>Many workers reconcile concurrently while the informer caches lag behind the pods just
 * created, so allocation cannot be derived from the cache alone. The ledger is seeded once per
 * namespace from what Kubernetes says (existing pods' port labels and workers' {@code
 * status.ports}), and from then on every allocation and release goes through it under the
 * namespace's lock. A port stays with its worker until the worker releases it after deleting its
 * pod, so a deleted or failed pod comes back on the same port and nobody else can take it in
 * between. Ports are unique per namespace (a stronger rule than per shared range).
 */
public final class PortAllocator {

  /** The ports a worker should run pods on, those it must give up, and whether it is short. */
  public record Assignment(List<Integer> keep, List<Integer> surplus, boolean exhausted) {}

  private final Map<String, Map<Integer, String>> ledgers = new ConcurrentHashMap<>();

  /**
   * Gives {@code worker} {@code replicas} ports in {@code [from, to]}: the ones it holds first (in
   * {@code held} order, e.g. its status), then the lowest free ones.
   *
   * @param seed what Kubernetes says is held in the namespace (port → worker), read only when the
   *     namespace is first seen
   */
  public Assignment assign(
      String namespace,
      String worker,
      Collection<Integer> held,
      int replicas,
      int from,
      int to,
      Supplier<Map<Integer, String>> seed) {
    Map<Integer, String> ledger = ledger(namespace, seed);
    synchronized (ledger) {
      Set<Integer> owned = new LinkedHashSet<>();
      for (Integer port : held) {
        String owner = ledger.get(port);
        if (owner == null || owner.equals(worker)) {
          ledger.put(port, worker);
          owned.add(port);
        }
      }
      ledger.entrySet().stream()
          .filter(e -> e.getValue().equals(worker))
          .map(Map.Entry::getKey)
          .sorted()
          .forEach(owned::add);

      List<Integer> keep = new ArrayList<>();
      List<Integer> surplus = new ArrayList<>();
      for (Integer port : owned) {
        if (port >= from && port <= to && keep.size() < replicas) {
          keep.add(port);
        } else {
          surplus.add(port);
        }
      }
      for (int port = from; port <= to && keep.size() < replicas; port++) {
        if (!ledger.containsKey(port)) {
          ledger.put(port, worker);
          keep.add(port);
        }
      }
      return new Assignment(List.copyOf(keep), List.copyOf(surplus), keep.size() < replicas);
    }
  }

  /** Gives a port back, once its pod is gone; a no-op when {@code worker} does not hold it. */
  public void release(String namespace, String worker, int port) {
    Map<Integer, String> ledger = ledgers.get(namespace);
    if (ledger != null) {
      synchronized (ledger) {
        ledger.remove(port, worker);
      }
    }
  }

  /** Gives back every port of a deleted worker. */
  public void releaseAll(String namespace, String worker) {
    Map<Integer, String> ledger = ledgers.get(namespace);
    if (ledger != null) {
      synchronized (ledger) {
        ledger.values().removeIf(worker::equals);
      }
    }
  }

  /** The ports a worker holds, for status and tests. */
  public List<Integer> held(String namespace, String worker) {
    Map<Integer, String> ledger = ledgers.get(namespace);
    if (ledger == null) {
      return List.of();
    }
    synchronized (ledger) {
      return ledger.entrySet().stream()
          .filter(e -> e.getValue().equals(worker))
          .map(Map.Entry::getKey)
          .sorted()
          .toList();
    }
  }

  private Map<Integer, String> ledger(String namespace, Supplier<Map<Integer, String>> seed) {
    return ledgers.computeIfAbsent(namespace, ns -> new HashMap<>(seed.get()));
  }
}
