package fr.cimi.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.cimi.Cancellation;
import fr.cimi.Cimi;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.Event;
import fr.cimi.EventKind;
import fr.cimi.EventSpec;
import fr.cimi.EventSpecBuilder;
import fr.cimi.OfferRound;
import fr.cimi.Registration;
import fr.cimi.RegistrationRequest;
import fr.cimi.RegistrationRequestBuilder;
import fr.cimi.RegistrationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offers of freed seats and cancellation by the registrant's token, as a Java
 * application writes them: the event from its builder (durations as
 * {@link Duration}, the deadline as an {@link Instant}), errors caught as
 * {@link CimiException} and read through the base class.
 */
class OffersAndSelfCancellationTest {
    /** 20 November 2017, 10:00 in Paris. */
    private static final Instant T0 = Instant.parse("2017-11-20T09:00:00Z");
    private static final Instant START = Instant.parse("2017-12-12T11:30:00Z");
    private static final Instant END = START.plus(Duration.ofHours(2));
    private static final Instant CLOSES = START.minus(Duration.ofDays(2));
    private static final long NOW = T0.toEpochMilli();

    private static RegistrationRequest request(String email, String given) {
        return new RegistrationRequestBuilder(email)
                .familyName("Martin").givenName(given)
                .service("DNUM").grade("attachée").function("architecte")
                .acknowledgesAll(true)
                .build();
    }

    /** A workshop of one seat offering a freed seat for 48 hours, until a day before the start. */
    private static EventSpec workshop() {
        return new EventSpecBuilder(EventKind.WORKSHOP, "Rust", START, END, 1)
                .venue("DNUM", "Place Beauvau, Paris")
                .waitlistOffer(Duration.ofHours(48))
                .offerCutoff(Duration.ofDays(1))
                .cancellationClosesAt(CLOSES)
                .build();
    }

    @Test
    void theBuilderSetsTheOfferAndCancellationFields() {
        EventSpec spec = workshop();
        assertEquals(Long.valueOf(48 * 3_600_000L), spec.getWaitlistOfferMs());
        assertEquals(Long.valueOf(86_400_000L), spec.getOfferCutoffMs());
        assertEquals(Long.valueOf(CLOSES.toEpochMilli()), spec.getCancellationClosesAtMs());
        EventSpec fromMillis = new EventSpecBuilder(EventKind.WORKSHOP, "Rust", START, END, 1)
                .venue("DNUM", "Place Beauvau, Paris")
                .waitlistOfferMs(48 * 3_600_000L).offerCutoffMs(86_400_000L)
                .cancellationClosesAtMs(CLOSES.toEpochMilli())
                .build();
        assertEquals(spec, fromMillis);
        // The defaults: no offers, self-cancellation until the start; null clears a field.
        EventSpec bare = new EventSpecBuilder(EventKind.WORKSHOP, "Rust", START, END, 1).build();
        assertNull(bare.getWaitlistOfferMs());
        assertNull(bare.getOfferCutoffMs());
        assertNull(bare.getCancellationClosesAtMs());
        assertEquals(Cimi.eventSpec(EventKind.WORKSHOP, "Rust", START.toEpochMilli(), END.toEpochMilli(), 1), bare);
        assertEquals(bare, new EventSpecBuilder(EventKind.WORKSHOP, "Rust", START, END, 1)
                .waitlistOffer(Duration.ofHours(1)).waitlistOffer(null)
                .offerCutoff(Duration.ofHours(1)).offerCutoff(null)
                .cancellationClosesAt(CLOSES).cancellationClosesAt(null)
                .build());
    }

    @Test
    void aRegistrantCancelsWithTheirTokenAndTheNextInLineAcceptsTheSeatOffered() throws CimiException {
        try (Community cimi = Community.cimi()) {
            long event = cimi.scheduleEvent(workshop(), NOW);
            Event read = cimi.event(event);
            assertEquals(Long.valueOf(Duration.ofHours(48).toMillis()), read.getWaitlistOfferMs());
            assertEquals(CLOSES, Instant.ofEpochMilli(read.getCancellationDeadlineMs()));
            assertEquals(START.minus(Duration.ofDays(1)), Instant.ofEpochMilli(read.getCheckInOpensAtMs()));

            long alice = cimi.register(event, request("alice@interieur.gouv.fr", "Alice"), NOW);
            long bob = cimi.register(event, request("bob@interieur.gouv.fr", "Bob"), NOW);
            assertEquals(RegistrationStatus.WAITLISTED, cimi.registration(bob).getStatus());

            // The link of Alice's confirmation mail carries her token.
            String token = cimi.cancelToken(alice);
            assertNotNull(token);
            String link = "https://cimi.example/annuler?jeton=" + token;

            // Someone tries a made-up token: refused, without saying why.
            CimiException forged = assertThrows(CimiException.class,
                    () -> cimi.cancelByToken(alice + "-" + "0".repeat(32), event, NOW));
            assertEquals("invalid_state", forged.getFamily());
            assertEquals("invalid_token", forged.getKind());
            assertTrue(forged.getDetails().isEmpty());

            long at = T0.plus(Duration.ofHours(1)).toEpochMilli();
            Cancellation cancelled = cimi.cancelByToken(link.substring(link.indexOf('=') + 1), event, at);
            assertEquals(RegistrationStatus.CANCELLED, cancelled.getRegistration().getStatus());
            assertEquals(List.of(bob), cancelled.getPromoted());
            assertFalse(cancelled.toString().contains(token.substring(token.indexOf('-') + 1)));
            // The same link again: the same cancelled registration (nobody promoted again).
            Cancellation again = cimi.cancelByToken(token, null, at + 1);
            assertEquals(cancelled.getRegistration(), again.getRegistration());
            assertTrue(again.getPromoted().isEmpty());

            Registration offered = cimi.registration(bob);
            assertEquals(RegistrationStatus.OFFERED, offered.getStatus());
            Instant expires = Instant.ofEpochMilli(offered.getOfferExpiresAtMs());
            assertEquals(T0.plus(Duration.ofHours(49)), expires);
            assertEquals(1, cimi.occupancy(event).getOffered());

            Registration accepted = cimi.acceptOffer(bob, T0.plus(Duration.ofHours(2)).toEpochMilli());
            assertEquals(RegistrationStatus.CONFIRMED, accepted.getStatus());
            assertEquals(0, cimi.occupancy(event).getOffered());
            OfferRound nothing = cimi.expireOffers(expires.toEpochMilli());
            assertTrue(nothing.getExpired().isEmpty() && nothing.getPromoted().isEmpty());

            // Past the event's deadline Bob can no longer cancel by himself.
            String bobs = cimi.cancelToken(bob);
            CimiException closed = assertThrows(CimiException.class,
                    () -> cimi.cancelByToken(bobs, event, CLOSES.toEpochMilli()));
            assertEquals("cancellation_closed", closed.getKind());
            assertEquals(CLOSES, Instant.parse(closed.getDetails().get("closed_at")));
            assertNull(cimi.checkInvariants());
        }
    }
}
