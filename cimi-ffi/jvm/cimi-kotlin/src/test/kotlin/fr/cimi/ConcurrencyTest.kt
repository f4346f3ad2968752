package fr.cimi

import org.junit.jupiter.api.Test
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import kotlin.random.Random
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * Eight JVM threads register and cancel on one shared event, for several
 * rounds (a fresh community and other random choices each round). Prints the
 * number of operations it covered.
 */
class ConcurrencyTest {
    private val capacity = 12
    private val quotas = mapOf("interieur" to 7, "other_ministries" to 6)
    private val threads = 8
    private val perThread = 150
    private val rounds = 4

    /** What the threads did, summed over the rounds. */
    private class Counts {
        val register = AtomicInteger()
        val batch = AtomicInteger()
        val cancel = AtomicInteger()
        val refusals = AtomicInteger()
        val reads = AtomicInteger()
    }

    @Test
    fun `eight threads register and cancel on one event and the invariants hold`() {
        val counts = Counts()
        var registrations = 0
        repeat(rounds) { round -> registrations += round(round, counts) }
        val operations = counts.register.get() + counts.batch.get() + counts.cancel.get()
        assertEquals(rounds * threads * perThread, operations)
        println(
            "concurrency: $rounds rounds x $threads threads x $perThread operations = $operations operations " +
                "(${counts.register} register, ${counts.batch} registerMany, ${counts.cancel} cancel; " +
                "${counts.refusals} refusals), ${counts.reads} occupancy reads checked, " +
                "$registrations registrations checked at the end of the rounds",
        )
    }

    /** One round; returns the number of registrations checked at its end. */
    private fun round(round: Int, counts: Counts): Int = Community.cimi().use { c ->
        // The audiences of the CIMI preset: home ministry and other ministries,
        // each with a quota; together they exceed the capacity.
        assertEquals(quotas.keys, c.statutes().audiences.map { it.id }.toSet())
        val spec = etatPlateforme(capacity).apply { quotas = this@ConcurrencyTest.quotas }
        val ev = c.scheduleEvent(spec, T0)
        val event = c.event(ev)!!
        val pool = Executors.newFixedThreadPool(threads)
        val start = CountDownLatch(1)
        val errors = ConcurrentHashMap.newKeySet<String>()
        val clock = AtomicLong(T0)
        repeat(threads) { t ->
            pool.execute {
                val rnd = Random(round * 1_000 + t)
                val mine = ArrayList<Long>()
                start.await()
                try {
                    repeat(perThread) {
                        val person = rnd.nextInt(40)
                        val domain = if (person % 3 == 0) "agri.gouv.fr" else "interieur.gouv.fr"
                        val email = "p$person@$domain"
                        val now = clock.incrementAndGet()
                        if (rnd.nextInt(3) == 0 && mine.isNotEmpty()) {
                            val id = mine.removeAt(rnd.nextInt(mine.size))
                            val cancelled = c.cancelRegistration(id, now)
                            if (cancelled.registration.status != RegistrationStatus.CANCELLED) {
                                errors += "registration $id not cancelled: $cancelled"
                            }
                            counts.cancel.incrementAndGet()
                        } else if (rnd.nextInt(6) == 0) {
                            // A batch: two more people in one call.
                            val other = "p${rnd.nextInt(40)}@agri.gouv.fr"
                            for (a in c.registerMany(ev, listOf(ask(email), ask(other)), now)) {
                                a.outcome?.let { mine += it.registration.id } ?: counts.refusals.incrementAndGet()
                            }
                            counts.batch.incrementAndGet()
                        } else {
                            try {
                                mine += c.register(ev, ask(email), now)
                            } catch (e: CimiException.Refused) {
                                counts.refusals.incrementAndGet()
                            }
                            counts.register.incrementAndGet()
                        }
                        // Seen from any thread at any time: never over capacity or quota.
                        val o = c.occupancy(ev)
                        counts.reads.incrementAndGet()
                        if (o.onSite > capacity) errors += "over capacity: $o"
                        for ((aud, n) in o.onSiteByAudience) {
                            val q = event.quotas[aud]
                            if (q != null && n > q) errors += "over quota $aud: $o"
                        }
                    }
                } catch (e: Throwable) {
                    errors += "thread $t: $e"
                }
            }
        }
        start.countDown()
        pool.shutdown()
        assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "threads did not finish")
        assertTrue(errors.isEmpty(), errors.joinToString("\n"))

        // At the end: the engine's own invariant check and ours.
        assertNull(c.checkInvariants())
        val regs = c.registrations(ev)
        val live = regs.filter { it.status != RegistrationStatus.CANCELLED }
        val byMember = live.groupBy { it.memberId }
        assertTrue(byMember.values.all { it.size == 1 }, "someone holds two live registrations")
        val onSite = live.filter { it.status == RegistrationStatus.CONFIRMED && it.seat == Seat.ON_SITE }
        assertTrue(onSite.size <= capacity)
        for ((aud, q) in event.quotas) {
            assertTrue(onSite.count { it.audience == aud } <= q, "audience $aud over its quota")
        }
        val o = c.occupancy(ev)
        assertEquals(onSite.size, o.onSite)
        // No free seat while an eligible request waits.
        for (id in c.waitingList(ev)) {
            val w = c.registration(id)!!
            val audienceFull = w.audience?.let { a -> event.quotas[a]?.let { q -> (o.onSiteByAudience[a] ?: 0) >= q } } ?: false
            assertTrue(o.onSite >= capacity || audienceFull, "registration $id waits while its audience has room: $o")
        }
        regs.size
    }
}
