package fr.cimi.consumer;

import fr.cimi.Cancellation;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.ErrorInfo;
import fr.cimi.EventKind;
import fr.cimi.EventSpecBuilder;
import fr.cimi.Member;
import fr.cimi.MemberProfileBuilder;
import fr.cimi.Occupancy;
import fr.cimi.ProfileUpdateBuilder;
import fr.cimi.Registration;
import fr.cimi.RegistrationAttempt;
import fr.cimi.RegistrationRequest;
import fr.cimi.RegistrationRequestBuilder;
import fr.cimi.RegistrationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The parity scenario from plain Java: the same steps as
 * {@code cimi-py/tests/test_parity.py}, printing the same lines, which both
 * compare with {@code tests/golden/parity/scenario.txt} (a binding that
 * decided something on its own would print a different line). It is
 * written as a Java developer would: records from their builders, instants
 * as {@link Instant}, errors caught as {@link CimiException} and read through
 * its {@code getFamily()}, {@code getKind()} and {@code getDetails()}.
 *
 * <pre>
 * java -cp … fr.cimi.consumer.Parity
 * </pre>
 */
public final class Parity {
    private Parity() {}

    /** 2030-11-20T09:00:00Z, the scenario's "now". */
    private static final Instant T0 = Instant.parse("2030-11-20T09:00:00Z");

    /** The instant {@code afterT0} after T0. */
    private static Instant after(Duration afterT0) {
        return T0.plus(afterT0);
    }

    /** The same, in milliseconds since the epoch, as the operations take it. */
    private static long at(Duration afterT0) {
        return after(afterT0).toEpochMilli();
    }

    /** A registration status as the core names it ({@code confirmed}…). */
    private static String status(RegistrationStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** An error's details as {@code key=value} pairs, sorted by key. */
    private static String details(Map<String, String> details) {
        return new TreeMap<>(details).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    private static String joined(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    /** The registration form of the scenario, every obligation acknowledged. */
    private static RegistrationRequestBuilder form(String email) {
        return new RegistrationRequestBuilder(email)
                .familyName("Martin").givenName("Alice")
                .service("DNUM").grade("attachée").function("cheffe de projet")
                .acknowledgesAll(true);
    }

    /** The same form, as a request. */
    private static RegistrationRequest ask(String email) {
        return form(email).build();
    }

    /** The scenario's lines, in order. */
    public static List<String> scenario() throws CimiException {
        List<String> out = new ArrayList<>();
        try (Community c = Community.cimi()) {
            long ev = c.scheduleEvent(new EventSpecBuilder(EventKind.MIDITECH, "L'État plateforme",
                    after(Duration.ofDays(22)), after(Duration.ofDays(22).plusHours(2)), 2).build(),
                    at(Duration.ZERO));
            out.add("schedule_event -> event " + ev);

            Map<String, Long> ids = new LinkedHashMap<>();
            for (String email : List.of(
                    "alice@interieur.gouv.fr", "bob@interieur.gouv.fr", "carol@agri.gouv.fr")) {
                Registration r = c.registerOutcome(ev, ask(email), at(Duration.ZERO)).getRegistration();
                ids.put(email, r.getId());
                out.add("register " + email + " -> " + status(r.getStatus())
                        + " registration " + r.getId() + " member " + r.getMemberId());
            }

            RegistrationRequest dave = form("dave@interieur.gouv.fr")
                    .acknowledgesAll(false).acknowledged("deontology").build();
            try {
                c.register(ev, dave, at(Duration.ZERO));
            } catch (CimiException e) {
                out.add("register dave@interieur.gouv.fr -> " + e.getFamily() + " " + e.getKind()
                        + " " + details(e.getDetails()));
            }

            List<RegistrationAttempt> batch = c.registerMany(ev,
                    List.of(ask("erin@interieur.gouv.fr"), ask("eve@gmail.com")), at(Duration.ZERO));
            List<String> shown = new ArrayList<>();
            for (RegistrationAttempt attempt : batch) {
                ErrorInfo error = attempt.getError();
                if (error != null) {
                    shown.add(error.getKind());
                } else {
                    Registration r = attempt.getOutcome().getRegistration();
                    shown.add(status(r.getStatus()) + " registration " + r.getId());
                }
            }
            out.add("register_many erin@interieur.gouv.fr eve@gmail.com -> " + String.join(", ", shown));

            Cancellation cancel = c.cancelRegistration(ids.get("alice@interieur.gouv.fr"), at(Duration.ofHours(1)));
            out.add("cancel registration " + cancel.getRegistration().getId() + " -> "
                    + status(cancel.getRegistration().getStatus()) + ", promoted " + joined(cancel.getPromoted()));

            Occupancy o = c.occupancy(ev);
            out.add("occupancy -> capacity " + o.getCapacity() + " on_site " + o.getOnSite()
                    + " waiting " + o.getWaiting());
            out.add("waiting_list -> " + joined(c.waitingList(ev)));

            long m = c.addMember("frank@interieur.gouv.fr", new MemberProfileBuilder("Durand", "Frank")
                    .service("DNUM").grade("attaché").skills("rust", "postgresql").build(), at(Duration.ZERO));
            // Only the grade is given: every other field is kept.
            c.updateProfile(m, new ProfileUpdateBuilder().grade("commandant").build(), at(Duration.ofHours(2)));
            Member f = c.member(m);
            List<String> skills = new ArrayList<>(f.getSkills());
            skills.sort(null);
            out.add("update_profile member " + m + " grade -> " + f.getFamilyName() + " / "
                    + f.getGivenName() + " / " + f.getService() + " / " + f.getGrade() + " / "
                    + String.join(" ", skills));

            try {
                c.updateProfile(999, new ProfileUpdateBuilder().grade("x").build(), at(Duration.ZERO));
            } catch (CimiException e) {
                out.add("update_profile member 999 -> " + e.getFamily() + " "
                        + e.getKind() + " " + details(e.getDetails()));
            }
        }
        return out;
    }

    public static void main(String[] args) throws CimiException {
        for (String line : scenario()) {
            System.out.println(line);
        }
    }
}
