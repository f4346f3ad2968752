package fr.cimi

import org.junit.jupiter.api.Test
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** The statutes' retention rule covers people who never registered. */
class RetentionTest {
    private val nobody = MemberProfile(
        familyName = "Martin", givenName = "", service = "", grade = "", function = "", corps = null,
        affiliation = listOf(), skills = listOf(), interests = listOf(),
    )

    @Test
    fun `an imported row and a help asker are retention candidates`() {
        Community.cimi().use { c ->
            val imported = c.addMember("imported@interieur.gouv.fr", nobody, T0)
            val ask = c.askHelp(
                "asker@interieur.gouv.fr", "PostgreSQL", "Réplication ?",
                listOf("postgresql"), HelpVisibility.PUBLIC, T0,
            )
            val asker = c.helpRequest(ask)!!.askerId
            val later = T0 + 400 * DAY
            assertTrue(imported in c.retentionCandidates(later))
            // An open help request keeps its asker; closed, its last step is the trace.
            assertFalse(asker in c.retentionCandidates(later))
            c.closeHelp(ask, T0 + 10 * DAY)
            assertTrue(asker in c.retentionCandidates(later))
            assertFalse(asker in c.retentionCandidates(T0 + 300 * DAY))
        }
    }
}
