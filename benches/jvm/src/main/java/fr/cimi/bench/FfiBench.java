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
 * <p>Prints, in ns per operation (median of timed rounds after warm-up):
 * a no-op call; a call passing the same {@link RegistrationRequest} record to a
 * function that ignores it; a single {@code register}; and the per-item cost of
 * {@code registerMany}. Then the ratios, with the floors the project aims at
 * (reported, not asserted): register ≤ 2 × the pass-the-record call, and a
 * batch item ≤ ½ a single register.
 *
 * <p>"register" is measured two ways: the same person asking again (the
 * idempotent path: address check, policy, lookup, answer; the record crossing
 * the boundary both ways dominates) and a new person each time (a full
 * registration, events of 1,000 seats rotated so the core's per-event work
 * stays comparable).
 *
 * <p>Run with {@code bash benches/jvm/run.sh} (release build of the library).
 */
public final class FfiBench {
    private static final long HOUR = 3_600_000L;
    private static final int ROUNDS = 7;
    private static final int WARMUP_ROUNDS = 3;
    private static final long ROUND_NANOS = 300_000_000L;
    private static final int BATCH = 100;
    private static final int EVENT_SEATS = 1_000;

    private interface Op {
        /** Runs {@code n} operations; returns how many items they processed. */
        long run(int n) throws Exception;
    }

    private static double measure(Op op) throws Exception {
        int n = 1;
        // Calibrate the count so that one round lasts about ROUND_NANOS.
        while (true) {
            long t0 = System.nanoTime();
            op.run(n);
            long dt = System.nanoTime() - t0;
            if (dt > ROUND_NANOS / 10 || n > 1 << 26) {
                n = (int) Math.max(1, Math.min(1L << 28, n * (ROUND_NANOS / Math.max(1, dt))));
                break;
            }
            n *= 4;
        }
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            op.run(n);
        }
        double[] perItem = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            long items = op.run(n);
            perItem[i] = (System.nanoTime() - t0) / (double) items;
        }
        Arrays.sort(perItem);
        return perItem[ROUNDS / 2];
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
        try (Community community = Community.cimi()) {
            long start = now + 30 * 24 * HOUR;
            long event = community.scheduleEvent(
                    Cimi.eventSpec(EventKind.MIDITECH, "L'État plateforme", start, start + 2 * HOUR, 80), now);
            community.register(event, same, now);
            List<RegistrationRequest> sameBatch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                sameBatch.add(same);
            }

            double noop = measure(n -> {
                for (int i = 0; i < n; i++) {
                    Cimi.probeNoop();
                }
                return n;
            });
            double passRecord = measure(n -> {
                for (int i = 0; i < n; i++) {
                    Cimi.probeIgnoreRequest(same);
                }
                return n;
            });
            double registerAgain = measure(n -> {
                for (int i = 0; i < n; i++) {
                    if (!community.register(event, same, now).getAlreadyRegistered()) {
                        throw new IllegalStateException("expected the idempotent path");
                    }
                }
                return n;
            });
            double batchAgainItem = measure(n -> {
                long items = 0;
                for (int i = 0; i < n; i++) {
                    List<RegistrationAttempt> out = community.registerMany(event, sameBatch, now);
                    items += out.size();
                }
                return items;
            });
            double registerNew;
            double batchNewItem;
            try (Community other = Community.cimi()) {
                NewPeople people = new NewPeople(other, now);
                registerNew = measure(people::single);
            }
            try (Community other = Community.cimi()) {
                NewPeople people = new NewPeople(other, now);
                batchNewItem = measure(people::batches);
            }

            String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + " "
                    + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
            System.out.println("cimi-ffi JVM benchmark (" + jvm + ", " + Runtime.getRuntime().availableProcessors()
                    + " cores; median of " + ROUNDS + " rounds of ~" + ROUND_NANOS / 1_000_000 + " ms)");
            row("uniffi no-op call", noop, noop);
            row("pass the request record (ignored)", passRecord, noop);
            row("register, same person again", registerAgain, noop);
            row("registerMany, same person, per item", batchAgainItem, noop);
            row("register, new person", registerNew, noop);
            row("registerMany, new people, per item", batchNewItem, noop);
            System.out.println();
            floor("register (same person) / pass-the-record", registerAgain / passRecord, 2.0);
            floor("batch item / single register (same person)", batchAgainItem / registerAgain, 0.5);
            floor("register (new person) / pass-the-record", registerNew / passRecord, 2.0);
            floor("batch item / single register (new people)", batchNewItem / registerNew, 0.5);
        }
    }

    private static void row(String what, double ns, double noop) {
        System.out.println(String.format(Locale.ROOT, "  %-40s %10.0f ns/op   %6.1f x no-op", what, ns, ns / noop));
    }

    private static void floor(String what, double ratio, double target) {
        System.out.println(String.format(Locale.ROOT, "  %-45s %5.2f  (floor <= %.1f: %s)", what, ratio, target,
                ratio <= target ? "met" : "NOT met"));
    }
}
