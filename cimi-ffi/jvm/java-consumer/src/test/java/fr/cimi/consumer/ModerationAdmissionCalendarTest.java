package fr.cimi.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.cimi.Admission;
import fr.cimi.AdmissionBuilder;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.Event;
import fr.cimi.EventKind;
import fr.cimi.EventSpec;
import fr.cimi.EventSpecBuilder;
import fr.cimi.IcalOptions;
import fr.cimi.IcalOptionsBuilder;
import fr.cimi.Registration;
import fr.cimi.RegistrationRequest;
import fr.cimi.RegistrationRequestBuilder;
import fr.cimi.RegistrationStatus;
import fr.cimi.Seat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Moderated registration, an event's own admission and calendar updates, as
 * a Java application writes them: records from their builders, instants as
 * {@link Instant}, durations as {@link Duration}.
 */
class ModerationAdmissionCalendarTest {
    /** 20 November 2017, 10:00 in Paris. */
    private static final Instant T0 = Instant.parse("2017-11-20T09:00:00Z");
    private static final Instant START = Instant.parse("2017-12-12T11:30:00Z");
    private static final Instant END = START.plus(Duration.ofHours(2));
    private static final long NOW = T0.toEpochMilli();

    private static RegistrationRequest request(String email, String given) {
        return new RegistrationRequestBuilder(email)
                .familyName("Martin").givenName(given)
                .service("DNUM").grade("attachée").function("architecte")
                .acknowledgesAll(true)
                .build();
    }

    private static EventSpecBuilder workshop(int capacity) {
        return new EventSpecBuilder(EventKind.WORKSHOP, "Rust", START, END, capacity)
                .venue("DNUM", "Place Beauvau, Paris");
    }

    @Test
    void buildersGiveTheRecordsTheConstructorsGive() {
        // The defaults: the statutes' admission, not moderated, no reminder.
        EventSpec bare = workshop(10).build();
        assertEquals(new Admission(), bare.getAdmission());
        assertFalse(bare.getModerated());
        assertEquals(new Admission(), new AdmissionBuilder().build());
        assertEquals(new IcalOptions(), new IcalOptionsBuilder().build());
        assertNull(new IcalOptions().getReminderMs());

        Admission towns = new AdmissionBuilder()
                .allowed("*@paris.fr", "*@lyon.fr").audiences(List.of("interieur")).replacesPolicy(true)
                .build();
        assertEquals(new Admission(List.of("*@paris.fr", "*@lyon.fr"), List.of("interieur"), true), towns);
        EventSpec spec = workshop(10).admission(towns).moderated(true).build();
        assertEquals(towns, spec.getAdmission());
        assertTrue(spec.getModerated());

        assertEquals(new IcalOptions(1_800_000L), new IcalOptionsBuilder().reminder(Duration.ofMinutes(30)).build());
        assertEquals(new IcalOptions(90_000L), new IcalOptionsBuilder().reminderMs(90_000L).build());
        assertEquals(new IcalOptions(), new IcalOptionsBuilder().reminder(Duration.ofMinutes(5)).reminder(null).build());
    }

    @Test
    void anOrganiserApprovesOrRejectsTheRequestsOfAModeratedEvent() throws CimiException {
        try (Community cimi = Community.cimi()) {
            long event = cimi.scheduleEvent(workshop(1).moderated(true).build(), NOW);
            long alice = cimi.register(event, request("alice@interieur.gouv.fr", "Alice"), NOW);
            long bob = cimi.register(event, request("bob@interieur.gouv.fr", "Bob"), NOW);
            assertEquals(RegistrationStatus.PENDING, cimi.registration(alice).getStatus());

            Registration approved = cimi.approve(alice, NOW + 1);
            assertEquals(RegistrationStatus.CONFIRMED, approved.getStatus());
            assertEquals(Seat.ON_SITE, approved.getSeat());

            Registration rejected = cimi.reject(bob, "Atelier complet", NOW + 2);
            assertEquals(RegistrationStatus.CANCELLED, rejected.getStatus());
            assertEquals("Atelier complet", rejected.getRejection());
            assertEquals("Votre demande d'inscription n'a pas été retenue : Atelier complet",
                    rejected.getRejectionMessageFr());
            assertEquals("Your registration request was not accepted: Atelier complet",
                    rejected.getRejectionMessage());
            assertNull(approved.getRejectionMessage());

            CimiException again = assertThrows(CimiException.class, () -> cimi.approve(bob, NOW + 3));
            assertEquals("invalid_state", again.getFamily());
            assertEquals("not_pending", again.getKind());
        }
    }

    @Test
    void anEventAdmitsWhomItsAdmissionSays() throws CimiException {
        try (Community cimi = Community.cimi()) {
            long event = cimi.scheduleEvent(workshop(10)
                    .admission(new AdmissionBuilder().allowed("*@*.interieur.gouv.fr", "*@interieur.gouv.fr").build())
                    .build(), NOW);
            CimiException refused = assertThrows(CimiException.class,
                    () -> cimi.register(event, request("bob@agri.gouv.fr", "Bob"), NOW));
            assertEquals("address_not_admitted", refused.getKind());
            assertEquals(Map.of("allowed", "*@*.interieur.gouv.fr, *@interieur.gouv.fr"), refused.getDetails());

            cimi.setAdmission(event, new AdmissionBuilder().audiences("interieur").build(), NOW);
            refused = assertThrows(CimiException.Refused.class,
                    () -> cimi.register(event, request("bob@agri.gouv.fr", "Bob"), NOW));
            assertEquals("audience_not_admitted", refused.getKind());
            assertEquals("interieur", refused.getDetails().get("admitted"));
            cimi.register(event, request("alice@interieur.gouv.fr", "Alice"), NOW);

            CimiException bad = assertThrows(CimiException.InvalidInput.class,
                    () -> cimi.setAdmission(event, new AdmissionBuilder().allowed("gouv.fr").build(), NOW));
            assertEquals("admission.allowed", bad.getDetails().get("field"));
            assertEquals(List.of("interieur"), cimi.event(event).getAdmission().getAudiences());
        }
    }

    @Test
    void calendarClientsFollowARescheduleAndACancellation() throws CimiException {
        try (Community cimi = Community.cimi()) {
            long event = cimi.scheduleEvent(workshop(10).build(), NOW);
            long alice = cimi.register(event, request("alice@interieur.gouv.fr", "Alice"), NOW);
            IcalOptions halfHour = new IcalOptionsBuilder().reminder(Duration.ofMinutes(30)).build();

            Instant later = START.plus(Duration.ofDays(7));
            cimi.reschedule(event, later.toEpochMilli(), later.plus(Duration.ofHours(2)).toEpochMilli(), NOW);
            Event moved = cimi.event(event);
            assertEquals(later, Instant.ofEpochMilli(moved.getStartsAtMs()));
            assertEquals(1, moved.getRevision());

            String ics = cimi.eventIcalWith(event, halfHour, NOW);
            assertTrue(ics.contains("\r\nSEQUENCE:1\r\n") && ics.contains("\r\nTRIGGER:-PT30M\r\n"), ics);
            assertTrue(cimi.calendarIcalWith(List.of(event), halfHour, NOW).contains("\r\nTRIGGER:-PT30M\r\n"));
            assertTrue(cimi.invitationIcalWith(alice, "cimi@interieur.gouv.fr", halfHour, NOW)
                    .contains("\r\nMETHOD:REQUEST\r\n"));
            assertEquals(cimi.eventIcal(event, NOW), cimi.eventIcalWith(event, new IcalOptions(), NOW));

            cimi.cancelEvent(event, NOW);
            String cancel = cimi.eventIcalWith(event, halfHour, NOW);
            assertTrue(cancel.contains("\r\nMETHOD:CANCEL\r\n") && cancel.contains("\r\nSEQUENCE:2\r\n"), cancel);
            assertFalse(cancel.contains("VALARM"));
        }
    }
}
