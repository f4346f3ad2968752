package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals

/** The compte-rendu: a recording needs every speaker's consent; names need theirs. */
class ReportTest {
    @Test
    fun `a recording needs every speaker's consent and names need the attendee's`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            c.setProgram(
                ev,
                listOf(
                    ProgramItem(ItemKind.TALK, "a", listOf(Speaker("Laura Letourneau", "", "", true))),
                    ProgramItem(ItemKind.TALK, "b", listOf(Speaker("Henri Verdier", "", "", false))),
                ),
                T0,
            )
            val alice = c.registerOutcome(ev, ask("alice@interieur.gouv.fr", given = "Alice"), T0).registration
            val bob = c.registerOutcome(ev, ask("bob@interieur.gouv.fr", given = "Bob"), T0).registration
            c.setConsent(alice.memberId, ConsentKind.NAME_PUBLICATION, true, T0)
            val start = c.event(ev)!!.startsAtMs
            c.checkIn(alice.id, start)
            c.checkIn(bob.id, start)
            c.markHeld(ev, start + 2 * HOUR)

            val listed = c.reportAttendees(ev, start + DAY)
            assertEquals(listOf("Alice Martin"), listed.named)
            assertEquals(1, listed.unnamed)

            val video = Resource(ResourceKind.RECORDING, "Vidéo", "https://intra.example/video")
            val refused = assertThrows<CimiException.InvalidState> {
                c.publishReport(ev, "Compte-rendu", listOf(video), start + DAY)
            }
            assertEquals("recording_consent_missing", refused.kind)
            assertEquals(mapOf("speakers" to "1"), refused.details)
            assertEquals(EventState.HELD, c.event(ev)!!.state)
        }
    }
}
