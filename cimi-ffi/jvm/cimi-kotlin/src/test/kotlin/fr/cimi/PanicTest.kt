package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/**
 * Panics never cross the FFI as a crash. Uses the probes of the `probes`
 * cargo feature, which scripts/test.sh enables for this build.
 */
class PanicTest {
    @Test
    fun `a panic outside the library's guards is uniffi's InternalException`() {
        val e = assertThrows<InternalException> { probeUnguardedPanic("boom from the test") }
        assertTrue("boom from the test" in e.message!!, e.message)
        // The JVM and the library go on.
        probeNoop()
        Community.cimi().use { it.events() }
    }

    @Test
    fun `a panic inside a community call is CimiException Internal, then the community is poisoned`() {
        Community.cimi().use { c ->
            val panic = assertThrows<CimiException.Internal> { c.probePanicWhileChanging("bang") }
            assertEquals("panic", panic.kind)
            assertTrue("bang" in panic.detail)
            val poisoned = assertThrows<CimiException.Internal> { c.events() }
            assertEquals("poisoned", poisoned.kind)
            assertThrows<CimiException.Internal> { c.register(1, ask("a@interieur.gouv.fr"), T0) }
        }
        // Other communities are not affected.
        Community.cimi().use { assertTrue(it.events().isEmpty()) }
    }
}
