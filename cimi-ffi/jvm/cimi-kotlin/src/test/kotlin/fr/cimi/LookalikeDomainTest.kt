package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/**
 * Look-alike domains (docs/hostile-inputs.md, "Look-alike domains"): a domain
 * label a reader could take for another name is refused with the reason
 * `lookalike_domain`, the label named as the caller wrote it.
 */
class LookalikeDomainTest {
    /** Address to the label the refusal names. */
    private val lookalikes = listOf(
        // Capital I with dot above: IDNA would store `agri` + U+0307, read `agri`.
        "alice@AGR\u0130.gouv.fr" to "AGR\u0130",
        // All Cyrillic (а, р, р, ӏ, е): reads `apple`.
        "alice@\u0430\u0440\u0440\u04CF\u0435.gouv.fr" to "\u0430\u0440\u0440\u04CF\u0435",
        // The first one as it was stored before the rule: punycode.
        "alice@xn--agri-twc.gouv.fr" to "xn--agri-twc",
    )

    @Test
    fun `registration refuses a look-alike domain with the reason`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            for ((address, label) in lookalikes) {
                val refused = assertThrows<CimiException.Refused>(address) {
                    c.register(ev, ask(address), T0)
                }
                assertEquals("invalid_address", refused.kind)
                assertEquals(mapOf("reason" to "lookalike_domain"), refused.details)
                assertTrue(refused.detail.contains("'$label'"), refused.detail)
                assertTrue(refused.detailFr.contains("« $label »"), refused.detailFr)
            }
            assertEquals(0, c.members().size)
            // The legitimate accented name next to them registers.
            c.register(ev, ask("marie@élysée.gouv.fr"), T0)
            assertEquals(1, c.members().size)
        }
    }

    @Test
    fun `normalizeEmail refuses a look-alike domain as invalid input`() {
        for ((address, label) in lookalikes) {
            val invalid = assertThrows<CimiException.InvalidInput>(address) { normalizeEmail(address) }
            assertEquals("invalid_address", invalid.kind)
            assertEquals(mapOf("reason" to "lookalike_domain"), invalid.details)
            assertTrue(invalid.detail.contains("'$label'"), invalid.detail)
        }
        // Mixed scripts keep their own reason.
        val mixed = assertThrows<CimiException.InvalidInput> { normalizeEmail("alice@\u0440\u0430\u0443\u0440\u0430l.com") }
        assertEquals(mapOf("reason" to "mixed_script_domain"), mixed.details)
        // International names that read as themselves are accepted.
        assertEquals("jean@xn--mller-kva.de", normalizeEmail("jean@müller.de"))
        assertEquals("ivan@xn--e1afmkfd.xn--p1ai", normalizeEmail("ivan@пример.рф"))
    }
}
