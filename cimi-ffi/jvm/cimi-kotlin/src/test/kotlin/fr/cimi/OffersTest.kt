package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Instant
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * Offers of freed seats (accept, decline, expire), cancellation by the
 * registrant's token until the event's deadline, and the check-in window.
 */
class OffersTest {
    /** "L'État plateforme" with [capacity] seats, offering a freed seat for 48 hours. */
    private fun offering(c: Community, capacity: Int = 1, cutoffMs: Long? = null): Long =
        c.scheduleEvent(
            etatPlateforme(capacity).apply {
                waitlistOfferMs = 48 * HOUR
                offerCutoffMs = cutoffMs
            },
            T0,
        )

    private fun instant(ms: Long): Instant = Instant.ofEpochMilli(ms)

    @Test
    fun `a freed seat is offered to the earliest waiting registration, who accepts it`() {
        Community.cimi().use { c ->
            val ev = offering(c)
            val e = c.event(ev)!!
            assertEquals(48 * HOUR, e.waitlistOfferMs)
            assertEquals(0L, e.offerCutoffMs) // offers may run until the start
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            val carol = c.register(ev, ask("carol@interieur.gouv.fr", given = "Carol"), T0 + 1)
            assertEquals(listOf(bob, carol), c.waitingList(ev))

            val cancel = c.cancelRegistration(alice, T0 + HOUR)
            assertEquals(listOf(bob), cancel.promoted)
            val offered = c.registration(bob)!!
            assertEquals(RegistrationStatus.OFFERED, offered.status)
            assertEquals(Seat.ON_SITE, offered.seat)
            assertEquals(T0 + HOUR, offered.offeredAtMs)
            assertEquals(T0 + HOUR + 48 * HOUR, offered.offerExpiresAtMs)
            assertNull(offered.confirmedAtMs)
            // The offer holds the seat: counted in onSite and in offered; Carol still waits.
            val o = c.occupancy(ev)
            assertEquals(Triple(1, 1, 1), Triple(o.onSite, o.offered, o.waiting))
            assertEquals(listOf(carol), c.waitingList(ev))

            val accepted = c.acceptOffer(bob, T0 + 2 * HOUR)
            assertEquals(RegistrationStatus.CONFIRMED, accepted.status)
            assertEquals(T0 + 2 * HOUR, accepted.confirmedAtMs)
            assertEquals(accepted, c.registration(bob))
            assertEquals(0, c.occupancy(ev).offered)

            val again = assertThrows<CimiException.InvalidState> { c.acceptOffer(bob, T0 + 3 * HOUR) }
            assertEquals("not_offered", again.kind)
            assertEquals("invalid_state", again.family)
            assertEquals(
                "not_offered",
                assertThrows<CimiException.InvalidState> { c.declineOffer(carol, T0 + 3 * HOUR) }.kind,
            )
            assertEquals(
                "registration_not_found",
                assertThrows<CimiException.NotFound> { c.acceptOffer(4242, T0) }.kind,
            )
            assertNull(c.checkInvariants())
        }
    }

    @Test
    fun `a declined offer goes to the next in line`() {
        Community.cimi().use { c ->
            val ev = offering(c)
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            val carol = c.register(ev, ask("carol@interieur.gouv.fr", given = "Carol"), T0)
            c.cancelRegistration(alice, T0 + HOUR)

            val declined = c.declineOffer(bob, T0 + 2 * HOUR)
            assertEquals(RegistrationStatus.CANCELLED, declined.registration.status)
            assertEquals(T0 + 2 * HOUR, declined.registration.cancelledAtMs)
            assertEquals(listOf(carol), declined.promoted)
            val next = c.registration(carol)!!
            assertEquals(RegistrationStatus.OFFERED, next.status)
            assertEquals(T0 + 2 * HOUR + 48 * HOUR, next.offerExpiresAtMs)
            assertEquals("not_offered", assertThrows<CimiException.InvalidState> { c.acceptOffer(bob, T0) }.kind)
            assertNull(c.checkInvariants())
        }
    }

    @Test
    fun `expireOffers ends the offers past their deadline and offers the seats again`() {
        Community.cimi().use { c ->
            val ev = offering(c)
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            val carol = c.register(ev, ask("carol@interieur.gouv.fr", given = "Carol"), T0)
            c.cancelRegistration(alice, T0)
            val deadline = c.registration(bob)!!.offerExpiresAtMs!!

            assertEquals(OfferRound(listOf(), listOf()), c.expireOffers(deadline - 1))
            assertEquals(RegistrationStatus.OFFERED, c.registration(bob)!!.status)

            val round = c.expireOffers(deadline)
            assertEquals(listOf(bob), round.expired)
            assertEquals(listOf(carol), round.promoted)
            val expired = c.registration(bob)!!
            assertEquals(RegistrationStatus.CANCELLED, expired.status)
            assertEquals(deadline, expired.cancelledAtMs) // cancelled at its deadline
            assertEquals(RegistrationStatus.OFFERED, c.registration(carol)!!.status)
            // Nothing more is due.
            assertEquals(OfferRound(listOf(), listOf()), c.expireOffers(deadline))
            assertNull(c.checkInvariants())
        }
    }

    @Test
    fun `an offer answered after its deadline is offer_expired, naming when`() {
        Community.cimi().use { c ->
            val ev = offering(c)
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            c.cancelRegistration(alice, T0)
            val deadline = c.registration(bob)!!.offerExpiresAtMs!!

            // Read through the base class, as a caller catching CimiException does.
            val late: CimiException = assertThrows<CimiException> { c.acceptOffer(bob, deadline) }
            assertTrue(late is CimiException.InvalidState)
            assertEquals("offer_expired", late.kind)
            assertEquals("invalid_state", late.family)
            assertEquals(setOf("expired_at"), late.details.keys)
            assertEquals(instant(deadline), Instant.parse(late.details["expired_at"]))
            assertTrue(late.detail.isNotEmpty() && late.detailFr.isNotEmpty())
            assertEquals(
                "offer_expired",
                assertThrows<CimiException.InvalidState> { c.declineOffer(bob, deadline + HOUR) }.kind,
            )
            // Refusing changed nothing: the offer is still there until an operation expires it.
            assertEquals(RegistrationStatus.OFFERED, c.registration(bob)!!.status)
            assertEquals(listOf(bob), c.expireOffers(deadline + HOUR).expired)
            assertNull(c.checkInvariants())
        }
    }

    @Test
    fun `offers stop at the cut-off before the start, then a freed seat is given at once`() {
        Community.cimi().use { c ->
            val ev = offering(c, cutoffMs = DAY)
            val e = c.event(ev)!!
            assertEquals(DAY, e.offerCutoffMs)
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            val carol = c.register(ev, ask("carol@interieur.gouv.fr", given = "Carol"), T0)
            // Freed 30 hours before the start: the 48-hour offer is cut to end a day before.
            c.cancelRegistration(alice, e.startsAtMs - 30 * HOUR)
            assertEquals(e.startsAtMs - DAY, c.registration(bob)!!.offerExpiresAtMs)
            // Bob's offer expired at the cut-off; the seat freed after it goes to Carol at once.
            val round = c.expireOffers(e.startsAtMs - 20 * HOUR)
            assertEquals(OfferRound(listOf(bob), listOf(carol)), round)
            assertEquals(e.startsAtMs - DAY, c.registration(bob)!!.cancelledAtMs)
            val confirmed = c.registration(carol)!!
            assertEquals(RegistrationStatus.CONFIRMED, confirmed.status)
            assertNull(confirmed.offeredAtMs)
            assertNull(c.checkInvariants())
        }
    }

    @Test
    fun `the event's offer settings are checked by the core`() {
        Community.cimi().use { c ->
            for (hold in listOf(1_000L, 31 * DAY, -HOUR)) {
                val bad = assertThrows<CimiException.InvalidInput> {
                    c.scheduleEvent(etatPlateforme().apply { waitlistOfferMs = hold }, T0)
                }
                assertEquals(mapOf("field" to "waitlist_offer"), bad.details, "hold $hold")
            }
            val noList = assertThrows<CimiException.InvalidInput> {
                c.scheduleEvent(etatPlateforme().apply { waitlistOfferMs = DAY; waitlist = false }, T0)
            }
            assertEquals(mapOf("field" to "waitlist_offer"), noList.details)
            // A cut-off alone: refused by the core, naming its field (as in Python).
            val cutoffAlone = assertThrows<CimiException.InvalidInput> {
                c.scheduleEvent(etatPlateforme().apply { offerCutoffMs = DAY }, T0)
            }
            assertEquals(mapOf("field" to "offer_cutoff"), cutoffAlone.details)
            val plain = c.event(c.scheduleEvent(etatPlateforme(), T0))!!
            assertNull(plain.waitlistOfferMs)
            assertNull(plain.offerCutoffMs)
        }
    }

    @Test
    fun `a registrant cancels with the token of their confirmation mail`() {
        Community.cimi().use { c ->
            val ev = offering(c)
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            val token = c.cancelToken(alice)!!
            assertTrue(token.matches(Regex("$alice-[0-9a-f]{32}")), token)
            assertNotEquals(token, c.cancelToken(bob))

            val done = c.cancelByToken(token, ev, T0 + HOUR)
            assertEquals(alice, done.registration.id)
            assertEquals(RegistrationStatus.CANCELLED, done.registration.status)
            assertEquals(T0 + HOUR, done.registration.cancelledAtMs)
            assertEquals(listOf(bob), done.promoted) // offered the seat, as for any cancellation
            assertEquals(RegistrationStatus.OFFERED, c.registration(bob)!!.status)

            // Used again: the same cancelled registration, nothing changes (the seat
            // was given on the first use, so nobody is promoted again), as cancelRegistration twice.
            for (again in listOf(c.cancelByToken(token, ev, T0 + 2 * HOUR), c.cancelByToken(token, null, T0 + 3 * HOUR))) {
                assertEquals(Cancellation(done.registration, listOf()), again)
            }
            assertEquals(done.registration, c.registration(alice))
            assertEquals(RegistrationStatus.OFFERED, c.registration(bob)!!.status)
            assertNull(c.checkInvariants())
        }
    }

    @Test
    fun `wrong, malformed and other events' tokens are refused alike without repeating them`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            val other = c.scheduleEvent(etatPlateforme(), T0)
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val elsewhere = c.register(other, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            val token = c.cancelToken(alice)!!
            val secret = token.substringAfter('-')
            val flipped = token.dropLast(1) + if (token.last() == '0') '1' else '0'

            for ((bad, event) in listOf(
                flipped to ev,
                flipped to null,
                "$alice-${"0".repeat(32)}" to null,
                "not a token" to ev,
                "" to null,
                "$elsewhere-$secret" to null, // alice's secret on another registration
                token to other, // alice's token, asked for another event
                c.cancelToken(elsewhere)!! to ev, // a real token of another event
            )) {
                val e = assertThrows<CimiException> { c.cancelByToken(bad, event, T0) }
                assertTrue(e is CimiException.InvalidState, "$bad: $e")
                assertEquals("invalid_token", e.kind, bad)
                assertEquals(emptyMap(), e.details)
                for (text in listOf(e.toString(), e.detail, e.detailFr, e.message.orEmpty())) {
                    assertFalse(secret in text, text)
                }
            }
            // None of them cancelled anything.
            assertEquals(RegistrationStatus.CONFIRMED, c.registration(alice)!!.status)
            assertEquals(RegistrationStatus.CONFIRMED, c.registration(elsewhere)!!.status)
            assertEquals(
                "registration_not_found",
                assertThrows<CimiException.NotFound> { c.cancelToken(4242) }.kind,
            )
            assertEquals("invalid_input", assertThrows<CimiException.InvalidInput> { c.cancelToken(-1) }.kind)
            assertNull(c.checkInvariants())
        }
    }

    @Test
    fun `the token is in no record the library returns`() {
        Community.cimi().use { c ->
            val ev = offering(c)
            val outcome = c.registerOutcome(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            val alice = outcome.registration.id
            val secrets = listOf(c.cancelToken(alice)!!, c.cancelToken(bob)!!).map { it.substringAfter('-') }
            val done = c.cancelByToken(c.cancelToken(alice)!!, ev, T0 + HOUR)
            val accepted = c.acceptOffer(bob, T0 + 2 * HOUR)
            val printed = listOf(
                outcome, done, accepted, c.registration(alice), c.registrations(ev), c.allRegistrations(),
                c.confirmed(ev), c.event(ev), c.events(), c.occupancy(ev), c.expireOffers(T0 + 3 * HOUR),
            ).joinToString("\n") { it.toString() }
            for (secret in secrets) assertFalse(secret in printed, printed)
            // The saved document keeps the secrets (a reloaded community accepts the same links).
            Community.fromJson(c.toJson()).use { reloaded ->
                assertEquals(c.cancelToken(bob), reloaded.cancelToken(bob))
            }
        }
    }

    @Test
    fun `registrants cancel by themselves until the event's deadline, organisers after it`() {
        Community.cimi().use { c ->
            val start = etatPlateforme().startsAtMs
            val closes = start - 2 * DAY
            val ev = c.scheduleEvent(etatPlateforme().apply { cancellationClosesAtMs = closes }, T0)
            val e = c.event(ev)!!
            assertEquals(closes, e.cancellationClosesAtMs)
            assertEquals(closes, e.cancellationDeadlineMs)
            val plain = c.event(c.scheduleEvent(etatPlateforme(), T0))!!
            assertNull(plain.cancellationClosesAtMs)
            assertEquals(plain.startsAtMs, plain.cancellationDeadlineMs) // no deadline: the start

            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val token = c.cancelToken(alice)!!
            val late: CimiException = assertThrows<CimiException> { c.cancelByToken(token, ev, closes) }
            assertEquals("cancellation_closed", late.kind)
            assertEquals("invalid_state", late.family)
            assertEquals(instant(closes), Instant.parse(late.details["closed_at"]))
            assertEquals(RegistrationStatus.CONFIRMED, c.registration(alice)!!.status)
            // An organiser still may.
            assertEquals(RegistrationStatus.CANCELLED, c.cancelRegistration(alice, closes).registration.status)
            // And the token, used after that, answers as the cancellation did.
            assertEquals(closes, c.cancelByToken(token, ev, closes + HOUR).registration.cancelledAtMs)
        }
    }

    @Test
    fun `check-in is possible from a day before the start to a day after the end`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            val e = c.event(ev)!!
            assertEquals(e.startsAtMs - DAY, e.checkInOpensAtMs)
            assertEquals(e.endsAtMs + DAY, e.checkInClosesAtMs)
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)

            for (at in listOf(T0, e.checkInOpensAtMs - 1, e.checkInClosesAtMs + 1)) {
                val outside: CimiException = assertThrows<CimiException> { c.checkIn(alice, at) }
                assertTrue(outside is CimiException.InvalidState)
                assertEquals("check_in_outside_window", outside.kind)
                assertEquals(setOf("opens_at", "closes_at"), outside.details.keys)
                assertEquals(instant(e.checkInOpensAtMs), Instant.parse(outside.details["opens_at"]))
                assertEquals(instant(e.checkInClosesAtMs), Instant.parse(outside.details["closes_at"]))
            }
            assertNull(c.registration(alice)!!.checkedInAtMs)
            // Both bounds are inside.
            assertEquals(e.checkInOpensAtMs, c.checkIn(alice, e.checkInOpensAtMs).checkedInAtMs)
            assertEquals(e.checkInClosesAtMs, c.checkIn(bob, e.checkInClosesAtMs).checkedInAtMs)
            assertNotNull(c.registration(bob)!!.checkedInAtMs)
        }
    }
}
