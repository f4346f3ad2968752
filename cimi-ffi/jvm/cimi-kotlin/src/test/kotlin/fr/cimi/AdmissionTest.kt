package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/** Per-event admission: an event's own address patterns and audiences. */
class AdmissionTest {
    @Test
    fun `an event admits whoever the statutes admit unless it says otherwise`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            assertEquals(Admission(), c.event(ev)!!.admission)
            c.register(ev, ask("bob@agri.gouv.fr"), T0)
        }
    }

    @Test
    fun `own patterns narrow the statutes' policy and refusals say which rule refused`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(
                etatPlateforme().apply { admission = Admission(allowed = listOf("*@*.interieur.gouv.fr", "*@interieur.gouv.fr")) },
                T0,
            )
            assertEquals(listOf("*@*.interieur.gouv.fr", "*@interieur.gouv.fr"), c.event(ev)!!.admission.allowed)
            val refused = assertThrows<CimiException.Refused> { c.register(ev, ask("bob@agri.gouv.fr"), T0) }
            assertEquals("address_not_admitted", refused.kind)
            assertEquals(mapOf("allowed" to "*@*.interieur.gouv.fr, *@interieur.gouv.fr"), refused.details)
            c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            // Narrowing: an address the event allows but the statutes do not is
            // the statutes' refusal; replacing the policy admits it.
            c.setAdmission(ev, Admission(allowed = listOf("*@gmail.com")), T0)
            assertEquals(
                "address_not_allowed",
                assertThrows<CimiException.Refused> { c.register(ev, ask("eve@gmail.com"), T0) }.kind,
            )
            c.setAdmission(ev, Admission(allowed = listOf("*@gmail.com"), replacesPolicy = true), T0)
            c.register(ev, ask("eve@gmail.com"), T0)
        }
    }

    @Test
    fun `audiences, replacing the policy, and going back to the statutes`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            c.setAdmission(ev, Admission(audiences = listOf("interieur")), T0)
            val refused = assertThrows<CimiException.Refused> { c.register(ev, ask("bob@agri.gouv.fr"), T0) }
            assertEquals("audience_not_admitted", refused.kind)
            assertEquals("interieur", refused.details["admitted"])
            assertTrue(refused.details.containsKey("audience"), refused.details.toString())

            // Local authorities' domains instead of the statutes' policy.
            c.setAdmission(ev, Admission(allowed = listOf("*@paris.fr"), replacesPolicy = true), T0)
            c.register(ev, ask("agent@paris.fr"), T0)
            assertEquals(
                "address_not_admitted",
                assertThrows<CimiException.Refused> { c.register(ev, ask("carol@interieur.gouv.fr"), T0) }.kind,
            )
            // Who is admitted is not what a calendar shows: the revision stays.
            assertEquals(0, c.event(ev)!!.revision)

            c.setAdmission(ev, Admission(), T0)
            c.register(ev, ask("bob@agri.gouv.fr"), T0)
            assertEquals(null, c.checkInvariants())
        }
    }

    @Test
    fun `a pattern the core cannot read is invalid input naming the field`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            for (bad in listOf("gouv.fr", "*@", "a b@gouv.fr", "*@[192.0.2.1]", "")) {
                val e = assertThrows<CimiException.InvalidInput>(bad) {
                    c.setAdmission(ev, Admission(allowed = listOf("*@*.gouv.fr", bad)), T0)
                }
                assertEquals("invalid_input", e.kind)
                assertEquals(mapOf("field" to "admission.allowed"), e.details)
                assertTrue("pattern 1" in e.detail, e.detail)
                assertTrue("motif 1" in e.detailFr, e.detailFr)
            }
            val e = assertThrows<CimiException.InvalidInput> {
                c.scheduleEvent(etatPlateforme().apply { admission = Admission(allowed = listOf("gouv.fr")) }, T0)
            }
            assertEquals("admission.allowed", e.details["field"])
            // An audience the statutes do not know: the core refuses it, naming its field.
            val unknown = assertThrows<CimiException.InvalidInput> {
                c.setAdmission(ev, Admission(audiences = listOf("martiens")), T0)
            }
            assertEquals("admission.audiences", unknown.details["field"])
            assertEquals(Admission(), c.event(ev)!!.admission)
        }
    }
}
