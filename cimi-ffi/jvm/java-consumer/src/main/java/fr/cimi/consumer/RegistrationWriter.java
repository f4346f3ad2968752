package fr.cimi.consumer;

import fr.cimi.Cimi;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.Registration;
import fr.cimi.RegistrationOutcome;
import fr.cimi.RegistrationRequest;
import fr.cimi.RegistrationRequestBuilder;
import fr.cimi.StoreOptions;
import fr.cimi.StoreOptionsBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One writer of the multi-process test (tests/multiprocess/): a plain Java
 * application registering people into a community kept in PostgreSQL while
 * other processes (Python, Rust) do the same.
 *
 * <pre>
 * java -cp … fr.cimi.consumer.RegistrationWriter URL SCHEMA FIRST COUNT EVENT[,EVENT…]
 * </pre>
 *
 * It registers people FIRST to FIRST+COUNT-1 into the events in turn,
 * cancels every fourth registration it got, and prints {@code ACK id event
 * email} or {@code CANCELLED id} once each operation has committed. Then it
 * prints {@code DONE}, waits for a line on standard input (the other writers
 * have stopped), catches up and prints {@code VIEW seq json-length}, and the
 * community's JSON on the next line.
 */
public final class RegistrationWriter {
    private RegistrationWriter() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String schema = args[1];
        int first = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        String[] eventTexts = args[4].split(",");
        long[] events = new long[eventTexts.length];
        for (int i = 0; i < events.length; i++) {
            events[i] = Long.parseLong(eventTexts[i]);
        }
        long now = Cimi.parisInstantMs(2026, 3, 1, 10, 0);
        StoreOptions options = new StoreOptionsBuilder()
                .actor("java-" + first).schema(schema).community("default")
                .lockTimeout(Duration.ofSeconds(60))
                .build();
        try (Community community = Community.openWith(url, options)) {
            List<Long> mine = new ArrayList<>();
            for (int i = first; i < first + count; i++) {
                String domain = i % 3 == 0 ? "finances.gouv.fr" : "interieur.gouv.fr";
                String email = "p" + i + "@" + domain;
                long event = events[i % events.length];
                RegistrationRequest request = new RegistrationRequestBuilder(email)
                        .familyName("Nom").givenName("Prénom")
                        .service("DNUM").grade("attaché").function("chef de projet")
                        .acknowledged("deontology", "pssi")
                        .build();
                RegistrationOutcome outcome = community.registerOutcome(event, request, now);
                Registration registration = outcome.getRegistration();
                System.out.println("ACK " + registration.getId() + " " + event + " " + email);
                System.out.flush();
                mine.add(registration.getId());
                if (mine.size() % 4 == 0) {
                    long victim = mine.get(mine.size() - 2);
                    community.cancelRegistration(victim, now);
                    System.out.println("CANCELLED " + victim);
                    System.out.flush();
                }
            }
            System.out.println("DONE");
            System.out.flush();
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            community.refresh();
            String json = community.toJson();
            System.out.println("VIEW " + community.journalSeq() + " " + json.length());
            System.out.println(json);
            System.out.flush();
        } catch (CimiException e) {
            System.err.println(e.getFamily() + " " + e.getKind() + ": " + e.getDetail() + " " + e.getDetails());
            System.exit(2);
        }
    }
}
