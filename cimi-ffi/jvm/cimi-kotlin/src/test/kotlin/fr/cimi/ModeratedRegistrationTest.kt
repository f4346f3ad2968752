package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** Moderated registration: requests wait as pending until an organiser approves or rejects them. */
class ModeratedRegistrationTest {
    private fun moderatedWorkshop(c: Community, capacity: Int = 1, waitlist: Boolean = true): Long =
        c.scheduleEvent(etatPlateforme(capacity).apply { moderated = true; this.waitlist = waitlist }, T0)

    @Test
    fun `a request waits as pending, then gets a seat or the waiting list when approved`() {
        Community.cimi().use { c ->
            val ev = moderatedWorkshop(c)
            assertTrue(c.event(ev)!!.moderated)
            val alice = c.registerOutcome(ev, ask("alice@interieur.gouv.fr"), T0).registration
            assertEquals(RegistrationStatus.PENDING, alice.status)
            assertNull(alice.seat)
            assertNull(alice.confirmedAtMs)
            // A pending request holds no seat, and the person's live registration is this one.
            assertEquals(0, c.occupancy(ev).onSite)
            assertEquals(alice.id, c.register(ev, ask("alice@interieur.gouv.fr"), T0 + 1))
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)

            val approved = c.approve(alice.id, T0 + HOUR)
            assertEquals(RegistrationStatus.CONFIRMED, approved.status)
            assertEquals(Seat.ON_SITE, approved.seat)
            assertEquals(T0 + HOUR, approved.confirmedAtMs)
            assertEquals(approved, c.registration(alice.id))
            // The seat is gone: the next approval puts Bob in the waiting list.
            assertEquals(RegistrationStatus.WAITLISTED, c.approve(bob, T0 + HOUR).status)
            assertEquals(listOf(bob), c.waitingList(ev))

            val twice = assertThrows<CimiException.InvalidState> { c.approve(alice.id, T0 + 2 * HOUR) }
            assertEquals("not_pending", twice.kind)
            assertEquals("invalid_state", twice.family)
            assertEquals(null, c.checkInvariants())
        }
    }

    @Test
    fun `an approval the rules refuse leaves the request pending`() {
        Community.cimi().use { c ->
            val ev = moderatedWorkshop(c, capacity = 1, waitlist = false)
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            c.approve(alice, T0)
            val full = assertThrows<CimiException.Refused> { c.approve(bob, T0) }
            assertEquals("event_full", full.kind)
            assertEquals(RegistrationStatus.PENDING, c.registration(bob)!!.status)
        }
    }

    @Test
    fun `a rejection keeps the reason and tells the person in English and French`() {
        Community.cimi().use { c ->
            val ev = moderatedWorkshop(c)
            val bob = c.register(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0)
            assertNull(c.registration(bob)!!.rejection)

            val rejected = c.reject(bob, "Atelier réservé aux équipes projet", T0 + HOUR)
            assertEquals(RegistrationStatus.CANCELLED, rejected.status)
            assertEquals(T0 + HOUR, rejected.cancelledAtMs)
            assertEquals("Atelier réservé aux équipes projet", rejected.rejection)
            assertEquals(
                "Your registration request was not accepted: Atelier réservé aux équipes projet",
                rejected.rejectionMessage,
            )
            assertEquals(
                "Votre demande d'inscription n'a pas été retenue : Atelier réservé aux équipes projet",
                rejected.rejectionMessageFr,
            )
            assertEquals(rejected, c.registration(bob))

            // Rejected is over: neither approved nor rejected again.
            assertEquals("not_pending", assertThrows<CimiException.InvalidState> { c.approve(bob, T0) }.kind)
            assertEquals("not_pending", assertThrows<CimiException.InvalidState> { c.reject(bob, "non", T0) }.kind)
            // A blank reason is refused by the core, naming the field.
            val carol = c.register(ev, ask("carol@interieur.gouv.fr", given = "Carol"), T0)
            val blank = assertThrows<CimiException.InvalidInput> { c.reject(carol, "   ", T0) }
            assertEquals(mapOf("field" to "reason"), blank.details)
            // An event that is not moderated has nothing pending.
            val open = c.scheduleEvent(etatPlateforme(), T0)
            val dan = c.register(open, ask("dan@interieur.gouv.fr", given = "Dan"), T0)
            assertEquals("not_pending", assertThrows<CimiException.InvalidState> { c.approve(dan, T0) }.kind)
            assertEquals(
                "registration_not_found",
                assertThrows<CimiException.NotFound> { c.reject(4242, "non", T0) }.kind,
            )
            assertEquals(null, c.checkInvariants())
        }
    }
}
