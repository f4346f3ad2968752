package fr.cimi.consumer;

import fr.cimi.AttendanceMode;
import fr.cimi.Cancellation;
import fr.cimi.Cimi;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.ErrorInfo;
import fr.cimi.EventKind;
import fr.cimi.Member;
import fr.cimi.MemberProfile;
import fr.cimi.Occupancy;
import fr.cimi.ProfileUpdate;
import fr.cimi.Registration;
import fr.cimi.RegistrationAttempt;
import fr.cimi.RegistrationRequest;
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
 * decided something on its own would print a different line).
 *
 * <pre>
 * java -cp … fr.cimi.consumer.Parity
 * </pre>
 */
public final class Parity {
    private Parity() {}

    /** 2030-11-20T09:00:00Z, the scenario's "now". */
    private static final Instant T0 = Instant.parse("2030-11-20T09:00:00Z");

    private static long at(Duration afterT0) {
        return T0.plus(afterT0).toEpochMilli();
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
    private static RegistrationRequest ask(String email) {
        return new RegistrationRequest(email, "Martin", "Alice", "DNUM", "attachée",
                "cheffe de projet", List.of(), AttendanceMode.ON_SITE, true);
    }

    /** The scenario's lines, in order. */
    public static List<String> scenario() throws CimiException {
        List<String> out = new ArrayList<>();
        try (Community c = Community.cimi()) {
            long ev = c.scheduleEvent(Cimi.eventSpec(EventKind.MIDITECH, "L'État plateforme",
                    at(Duration.ofDays(22)), at(Duration.ofDays(22).plusHours(2)), 2), at(Duration.ZERO));
            out.add("schedule_event -> event " + ev);

            Map<String, Long> ids = new LinkedHashMap<>();
            for (String email : List.of(
                    "alice@interieur.gouv.fr", "bob@interieur.gouv.fr", "carol@agri.gouv.fr")) {
                Registration r = c.registerOutcome(ev, ask(email), at(Duration.ZERO)).getRegistration();
                ids.put(email, r.getId());
                out.add("register " + email + " -> " + status(r.getStatus())
                        + " registration " + r.getId() + " member " + r.getMemberId());
            }

            RegistrationRequest dave = ask("dave@interieur.gouv.fr");
            dave.setAcknowledgesAll(false);
            dave.setAcknowledged(List.of("deontology"));
            try {
                c.register(ev, dave, at(Duration.ZERO));
            } catch (CimiException.Refused e) {
                out.add("register dave@interieur.gouv.fr -> refused " + e.getKind()
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

            long m = c.addMember("frank@interieur.gouv.fr", new MemberProfile(
                    "Durand", "Frank", "DNUM", "attaché", "", null,
                    List.of(), List.of("rust", "postgresql"), List.of()), at(Duration.ZERO));
            ProfileUpdate update = new ProfileUpdate(); // every field null: keep it
            update.setGrade("commandant");
            c.updateProfile(m, update, at(Duration.ofHours(2)));
            Member f = c.member(m);
            List<String> skills = new ArrayList<>(f.getSkills());
            skills.sort(null);
            out.add("update_profile member " + m + " grade -> " + f.getFamilyName() + " / "
                    + f.getGivenName() + " / " + f.getService() + " / " + f.getGrade() + " / "
                    + String.join(" ", skills));

            ProfileUpdate x = new ProfileUpdate();
            x.setGrade("x");
            try {
                c.updateProfile(999, x, at(Duration.ZERO));
            } catch (CimiException.NotFound e) {
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
