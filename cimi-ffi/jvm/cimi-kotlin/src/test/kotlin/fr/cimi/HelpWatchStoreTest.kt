package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** Mutual help, technology watch, statistics and the durable journal. */
class HelpWatchStoreTest {
    private fun profile(vararg skills: String) = MemberProfile(
        familyName = "", givenName = "", service = "", grade = "", function = "", corps = null,
        affiliation = listOf("Intérieur"), skills = skills.toList(), interests = listOf(),
    )

    @Test
    fun `help requests are referred to the members with the skills`() {
        Community.cimi().use { c ->
            val jean = c.addMember("jean@interieur.gouv.fr", profile("Docker", "OpenStreetMap"), T0)
            val rachid = c.addMember("rachid@interieur.gouv.fr", profile("Docker"), T0)
            val ask = c.askHelp(
                "pascaline@interieur.gouv.fr", "Tuiles OSM", "Comment servir des tuiles ?",
                listOf("openstreetmap", "Docker"), HelpVisibility.PUBLIC, T0,
            )
            val best = c.suggestHelpers(ask, 2, T0)
            assertEquals(listOf(jean, rachid), best.map { it.memberId })
            assertEquals(listOf("docker", "openstreetmap"), best[0].sharedSkills)
            assertTrue(best[0].score > best[1].score)
            assertEquals(listOf(rachid), c.suggestForSkills(listOf("docker"), jean, 5, T0).map { it.memberId })

            c.referHelp(ask, listOf(jean), T0 + HOUR)
            assertEquals(HelpState.REFERRED, c.helpRequest(ask)!!.state)
            c.resolveHelp(ask, T0 + DAY)
            val h = c.helpRequest(ask)!!
            assertEquals(HelpState.RESOLVED, h.state)
            assertEquals(listOf(jean), h.referredTo)
            assertEquals(3, h.steps.size)
            assertEquals(1, c.helpRequests().size)
            assertThrows<CimiException.InvalidState> { c.closeHelp(ask, T0 + 2 * DAY) }
            assertThrows<CimiException.NotFound> { c.resolveHelp(999, T0) }
            assertEquals("postgresql", normalizeSkill(" Postgre SQL "))
            assertNull(normalizeSkill(" - "))
        }
    }

    @Test
    fun `an internal watch item never reaches a public channel`() {
        Community.cimi().use { c ->
            val channels = c.channels().associateBy { it.id }
            assertEquals(ChannelVisibility.PUBLIC, channels["twitter"]!!.visibility)
            val item = c.shareWatchItem(
                NewWatchItem(
                    "Projet interne de messagerie", "https://intranet.interieur.gouv.fr/projet", "",
                    listOf("messagerie"), WatchScope.INTERNAL, "jean@interieur.gouv.fr", null, null,
                ),
                T0,
            )
            val refused = assertThrows<CimiException.PublicationRefused> { c.publishWatchItem(item, "twitter", T0) }
            assertEquals("internal_item_on_public_channel", refused.kind)
            c.publishWatchItem(item, "forum", T0)
            assertEquals(listOf("forum"), c.watchItem(item)!!.published.map { it.channel })
            val digest = c.digest("forum", T0 - DAY, T0 + DAY, T0, Lang.FR)
            assertEquals("messagerie", digest.groups.single().tag)
            assertTrue("Projet interne de messagerie" in digest.text)
            assertTrue(c.digest("twitter", T0 - DAY, T0 + DAY, T0, Lang.EN).groups.isEmpty())
            assertEquals(1, c.watchItems().size)
        }
    }

    @Test
    fun `statistics count events and members`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(capacity = 2), T0)
            listOf("a", "b", "c").forEach { c.register(ev, ask("$it@interieur.gouv.fr"), T0) }
            val s = c.eventStats().single()
            assertEquals(ev, s.eventId)
            assertEquals(2, s.confirmedOnSite)
            assertEquals(1, s.waiting)
            assertEquals(1.0, s.fillRate)
            assertEquals(2017, s.year)
            assertEquals(3, c.membersJoinedPerMonth().single().count)
            assertEquals(3, c.memberGroups(T0).sumOf { it.count })
            assertTrue(c.eventsHeldPerYearAndKind().isEmpty())
        }
    }

    @Test
    fun `a directory has one writer, and followers see its changes after refresh`(@TempDir dir: Path) {
        val path = dir.resolve("shared").toString()
        Community.open(path, null, "writer").use { writer ->
            val refused = assertThrows<CimiException.Store> { Community.open(path, null, "second") }
            assertEquals("store_locked", refused.kind)
            assertTrue(path in refused.detail)
            Community.openReadOnly(path).use { follower ->
                assertTrue(follower.isReadOnly())
                assertEquals("file", follower.backend())
                val ev = writer.scheduleEvent(etatPlateforme(capacity = 10), T0)
                writer.register(ev, ask("alice@interieur.gouv.fr"), T0)
                assertNull(follower.event(ev))
                assertTrue(follower.refresh() > 0)
                assertEquals(1, follower.occupancy(ev).onSite)
                assertEquals(writer.journalSeq(), follower.journalSeq())
                val ro = assertThrows<CimiException.Store> { follower.register(ev, ask("bob@interieur.gouv.fr"), T0) }
                assertEquals("store_read_only", ro.kind)
            }
        }
        // Closed, the writer no longer holds the directory.
        Community.open(path, null, "writer").use { assertTrue(it.isDurable()) }
        val missing = assertThrows<CimiException.Store> { Community.openReadOnly(dir.resolve("none").toString()) }
        assertEquals("store_not_found", missing.kind)
    }

    @Test
    fun `a PostgreSQL community has several writers`() {
        val url = System.getenv("CIMI_TEST_POSTGRES_URL")
        if (url.isNullOrEmpty()) {
            check(System.getenv("CIMI_REQUIRE_POSTGRES") == null) { "CIMI_REQUIRE_POSTGRES is set but CIMI_TEST_POSTGRES_URL is not" }
            return
        }
        val options = storeOptions().copy(schema = "kt_" + java.util.UUID.randomUUID().toString().replace("-", "").take(12), actor = "kotlin")
        Community.openWith(url, options).use { a ->
            Community.openWith(url, options).use { b ->
                Community.openWith(url, options.copy(readOnly = true)).use { f ->
                    assertEquals("postgres", a.backend())
                    val ev = a.scheduleEvent(etatPlateforme(capacity = 1), T0)
                    // b decides on the latest state without a refresh.
                    assertEquals(RegistrationStatus.CONFIRMED, b.registerOutcome(ev, ask("alice@interieur.gouv.fr"), T0).registration.status)
                    assertEquals(RegistrationStatus.WAITLISTED, a.registerOutcome(ev, ask("bob@interieur.gouv.fr"), T0).registration.status)
                    assertTrue(f.refresh() > 0)
                    assertEquals(1, f.occupancy(ev).onSite)
                    assertEquals(1, f.waitingList(ev).size)
                    assertEquals("store_read_only", assertThrows<CimiException.Store> { f.compact() }.kind)
                    assertTrue(a.location()!!.startsWith("postgresql://"))
                }
            }
        }
    }

    @Test
    fun `a durable community survives a reopen and keeps its audit trail`(@TempDir dir: Path) {
        val path = dir.resolve("store").toString()
        val (ev, alice) = Community.open(path, null, "organiser").use { c ->
            assertTrue(c.isDurable())
            val ev = c.scheduleEvent(etatPlateforme(capacity = 10), T0)
            c.setActor("inscriptions-web")
            val alice = c.registerOutcome(ev, ask("alice@interieur.gouv.fr"), T0).registration.memberId
            assertTrue(c.journalSeq() >= 3)
            assertEquals("journal_in_use", assertThrows<CimiException.InvalidState> { c.setRecording(true) }.kind)
            ev to alice
        }
        Community.open(path, null, "organiser").use { c ->
            assertNotNull(c.openReport())
            assertEquals(1, c.occupancy(ev).onSite)
            val history = c.memberHistory(alice)
            assertTrue(history.any { it.actor == "inscriptions-web" && it.action == "registered" }, history.toString())
            assertTrue(c.eventHistory(ev).isNotEmpty())
            assertTrue("alice@interieur.gouv.fr" in c.subjectAccess("alice@interieur.gouv.fr", T0))
            c.eraseMember(alice, T0 + DAY)
            assertNull(c.memberByEmail("alice@interieur.gouv.fr"))
            assertEquals(MemberStatus.ERASED, c.memberStatus(alice, T0 + DAY))
            c.compact()
            assertTrue(c.snapshot().startsWith(path))
        }
        Community.open(path, null, "organiser").use { c ->
            assertNull(c.memberByEmail("alice@interieur.gouv.fr"))
            assertNull(c.checkInvariants())
        }
        Community.cimi().use { c ->
            assertFalse(c.isDurable())
            assertEquals("not_durable", assertThrows<CimiException.InvalidState> { c.memberHistory(1) }.kind)
            assertTrue(c.retentionCandidates(T0).isEmpty())
            assertTrue(c.applyRetention(T0).isEmpty())
        }
    }
}
