package fr.cimi.bench;

import fr.cimi.AttendanceMode;
import fr.cimi.Cimi;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.EventKind;
import fr.cimi.RegistrationAttempt;
import fr.cimi.RegistrationRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * In-process benchmark of the uniffi boundary, as seen from Java.
 *
 * <p>Prints, in ns per operation: a no-op call; a call passing the same
 * {@link RegistrationRequest} record to a function that ignores it; a single
 * {@code register} (which answers the registration's identifier);
 * {@code registerOutcome} (the same registration, answered with the whole
 * record); and the per-item cost of {@code registerMany}. Then the ratios,
 * with the floors the project aims at (reported, not asserted): register ≤ 2 ×
 * the pass-the-record call, and a batch item ≤ ½ a single register.
 *
 * <p>"register" is measured two ways: the same person asking again (the
 * idempotent path: address check, policy, lookup, answer) and a new person
 * each time (a full registration, events of 1,000 seats rotated so the core's
 * per-event work stays comparable).
 *
 * <p>The operations are measured <em>interleaved</em>: each of {@value #ROUNDS}
 * rounds runs every operation for one slice of about {@value #SLICE_MS} ms, in
 * an order rotated from round to round; each ratio is taken within a round,
 * and the median over the rounds is reported with its quartiles. A machine
 * whose load changes during the run (other builds, the garbage collector) then
 * moves both sides of a ratio alike. {@code BENCH_ROUNDS=1} in the environment
 * prints every round's figures.
 *
 * <p>Run with {@code bash benches/jvm/run.sh} (release build of the library).
 */
public final class FfiBench {
    private static final long HOUR = 3_600_000L;
    private static final int ROUNDS = 31;
    private static final int WARMUP_ROUNDS = 5;
    private static final long SLICE_MS = 60;
    private static final int BATCH = 100;
    private static final int EVENT_SEATS = 1_000;

    private interface Op {
        /** Runs {@code n} operations; returns how many items they processed. */
        long run(int n) throws Exception;
    }

    /** An operation under measurement and its per-item times, one per round. */
    private static final class Measured {
        final String name;
        final Op op;
        long items;
        final double[] perItem = new double[ROUNDS];

        Measured(String name, Op op) {
            this.name = name;
            this.op = op;
        }

        /** Runs the operation, one at a time, for about one slice; returns ns per item. */
        double slice() throws Exception {
            long t0 = System.nanoTime();
            long end = t0 + SLICE_MS * 1_000_000L;
            long done = 0;
            long now;
            do {
                done += op.run(1);
                now = System.nanoTime();
            } while (now < end);
            items += done;
            return (now - t0) / (double) done;
        }

        double median() {
            return median(perItem);
        }

        static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }
    }

    private static RegistrationRequest request(String email) {
        return new RegistrationRequest(
                email, "Martin", "Alice", "DNUM", "ingénieure des SIC", "architecte",
                List.of("deontology", "pssi"), AttendanceMode.ON_SITE);
    }

    /** New people, each registering once, in events of EVENT_SEATS seats rotated as they fill. */
    private static final class NewPeople {
        private final Community community;
        private final long now;
        private long event = -1;
        private int inEvent = EVENT_SEATS;
        private long counter;

        NewPeople(Community community, long now) {
            this.community = community;
            this.now = now;
        }

        private long event() throws CimiException {
            if (inEvent >= EVENT_SEATS) {
                long start = now + 30 * 24 * HOUR;
                event = community.scheduleEvent(
                        Cimi.eventSpec(EventKind.CONFERENCE, "Rencontres numériques", start, start + 8 * HOUR, EVENT_SEATS),
                        now);
                inEvent = 0;
            }
            return event;
        }

        long single(int n) throws CimiException {
            for (int i = 0; i < n; i++) {
                long ev = event();
                community.register(ev, request("agent" + (counter++) + "@interieur.gouv.fr"), now);
                inEvent++;
            }
            return n;
        }

        long batches(int n) throws CimiException {
            long items = 0;
            for (int i = 0; i < n; i++) {
                if (inEvent + BATCH > EVENT_SEATS) {
                    inEvent = EVENT_SEATS;
                }
                long ev = event();
                List<RegistrationRequest> batch = new ArrayList<>(BATCH);
                for (int k = 0; k < BATCH; k++) {
                    batch.add(request("agent" + (counter++) + "@interieur.gouv.fr"));
                }
                community.registerMany(ev, batch, now);
                inEvent += BATCH;
                items += BATCH;
            }
            return items;
        }
    }

    public static void main(String[] args) throws Exception {
        long now = Cimi.nowMs();
        RegistrationRequest same = request("alice.martin@interieur.gouv.fr");
        try (Community community = Community.cimi();
                Community singles = Community.cimi();
                Community batches = Community.cimi()) {
            long start = now + 30 * 24 * HOUR;
            long event = community.scheduleEvent(
                    Cimi.eventSpec(EventKind.MIDITECH, "L'État plateforme", start, start + 2 * HOUR, 80), now);
            long alice = community.register(event, same, now);
            List<RegistrationRequest> sameBatch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                sameBatch.add(same);
            }
            NewPeople newSingles = new NewPeople(singles, now);
            NewPeople newBatches = new NewPeople(batches, now);

            Measured noop = new Measured("uniffi no-op call", n -> {
                for (int i = 0; i < n; i++) {
                    Cimi.probeNoop();
                }
                return n;
            });
            Measured passRecord = new Measured("pass the request record (ignored)", n -> {
                for (int i = 0; i < n; i++) {
                    Cimi.probeIgnoreRequest(same);
                }
                return n;
            });
            Measured registerAgain = new Measured("register, same person again", n -> {
                for (int i = 0; i < n; i++) {
                    if (community.register(event, same, now) != alice) {
                        throw new IllegalStateException("expected the registration already held");
                    }
                }
                return n;
            });
            Measured outcomeAgain = new Measured("registerOutcome, same person again", n -> {
                for (int i = 0; i < n; i++) {
                    if (!community.registerOutcome(event, same, now).getAlreadyRegistered()) {
                        throw new IllegalStateException("expected the idempotent path");
                    }
                }
                return n;
            });
            Measured batchAgainItem = new Measured("registerMany, same person, per item", n -> {
                long items = 0;
                for (int i = 0; i < n; i++) {
                    List<RegistrationAttempt> out = community.registerMany(event, sameBatch, now);
                    items += out.size();
                }
                return items;
            });
            Measured registerNew = new Measured("register, new person", newSingles::single);
            Measured batchNewItem = new Measured("registerMany, new people, per item", newBatches::batches);
            Measured[] all = {noop, passRecord, registerAgain, outcomeAgain, batchAgainItem, registerNew, batchNewItem};

            // Warm up (the JIT compiles the paths), then the measured rounds.
            for (int r = 0; r < WARMUP_ROUNDS; r++) {
                for (Measured m : all) {
                    m.slice();
                }
            }
            for (Measured m : all) {
                m.items = 0;
            }
            for (int r = 0; r < ROUNDS; r++) {
                for (int k = 0; k < all.length; k++) {
                    Measured m = all[(k + r) % all.length];
                    m.perItem[r] = m.slice();
                }
            }

            String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + " "
                    + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
            System.out.println("cimi-ffi JVM benchmark (" + jvm + ", " + Runtime.getRuntime().availableProcessors()
                    + " cores; " + ROUNDS + " interleaved rounds of ~" + SLICE_MS + " ms per operation; medians)");
            for (Measured m : all) {
                System.out.println(String.format(Locale.ROOT, "  %-40s %10.0f ns/op   %6.1f x no-op",
                        m.name, m.median(), m.median() / noop.median()));
            }
            if (System.getenv("BENCH_ROUNDS") != null) {
                for (Measured m : all) {
                    StringBuilder b = new StringBuilder("    " + m.name + " (" + m.items + " items):");
                    for (double v : m.perItem) b.append(String.format(Locale.ROOT, " %.0f", v));
                    System.out.println(b);
                }
            }
            System.out.println();
            floor("register (same person) / pass-the-record", registerAgain, passRecord, 2.0);
            floor("batch item / single register (same person)", batchAgainItem, registerAgain, 0.5);
            floor("register (new person) / pass-the-record", registerNew, passRecord, 2.0);
            floor("batch item / single register (new people)", batchNewItem, registerNew, 0.5);
            ratio("registerOutcome / pass-the-record (no floor)", outcomeAgain, passRecord);
        }
    }

    /** The per-round ratios of {@code a} to {@code b}: median, first and third quartiles. */
    private static double[] ratios(Measured a, Measured b) {
        double[] r = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            r[i] = a.perItem[i] / b.perItem[i];
        }
        Arrays.sort(r);
        return new double[] {r[ROUNDS / 2], r[ROUNDS / 4], r[ROUNDS - 1 - ROUNDS / 4]};
    }

    private static void floor(String what, Measured a, Measured b, double target) {
        double[] r = ratios(a, b);
        System.out.println(String.format(Locale.ROOT, "  %-46s %5.2f  (quartiles %.2f-%.2f; floor <= %.1f: %s)",
                what, r[0], r[1], r[2], target, r[0] <= target ? "met" : "NOT met"));
    }

    private static void ratio(String what, Measured a, Measured b) {
        double[] r = ratios(a, b);
        System.out.println(String.format(Locale.ROOT, "  %-46s %5.2f  (quartiles %.2f-%.2f)", what, r[0], r[1], r[2]));
    }
}
