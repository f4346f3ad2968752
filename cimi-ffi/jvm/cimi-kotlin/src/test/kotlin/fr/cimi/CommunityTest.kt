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

class CommunityTest {
    @Test
    fun `the CIMI preset carries its statutes`() {
        Community.cimi().use { c ->
            val s = c.statutes()
            assertEquals(3, s.values.size)
            assertEquals(5, s.objectives.size)
            assertEquals(listOf("deontology", "pssi"), s.obligations.map { it.id })
            assertTrue("*@*.gouv.fr" in s.policy.allowed)
            assertEquals(7, s.bureau.size)
            assertTrue(c.checkStatutes(T0).any { it.kind == "bureau_size" })
            // The preset round-trips through its JSON document.
            Community.fromStatutesJson(cimiStatutesJson()).use { other ->
                assertEquals(s, other.statutes())
            }
        }
    }

    @Test
    fun `register, refuse, wait, cancel and promote`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(capacity = 1), T0)
            // register answers the registration's identifier; registration(id) reads it.
            val alice = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val aliceRecord = c.registration(alice)!!
            assertEquals(RegistrationStatus.CONFIRMED, aliceRecord.status)
            assertEquals(Seat.ON_SITE, aliceRecord.seat)
            assertEquals("interieur", aliceRecord.audience)
            assertEquals(ev, aliceRecord.eventId)

            val refused = assertThrows<CimiException.Refused> {
                c.register(ev, ask("jean@gmail.com"), T0)
            }
            assertEquals("address_not_allowed", refused.kind)
            assertTrue(refused.detailFr.contains("autorisée"), refused.detailFr)
            assertEquals(mapOf("allowed" to "*@*.gouv.fr"), refused.details)

            val missing = assertThrows<CimiException.Refused> {
                c.register(ev, ask("paul@interieur.gouv.fr").copy(acknowledged = listOf("deontology")), T0)
            }
            assertEquals("obligation_not_acknowledged", missing.kind)
            // What is missing, as data: no message to parse.
            assertEquals(mapOf("obligation" to "pssi"), missing.details)

            // registerOutcome answers the whole registration in the same call.
            val bob = c.registerOutcome(ev, ask("bob@agri.gouv.fr", given = "Bob"), T0 + 1)
            assertFalse(bob.alreadyRegistered)
            assertEquals(RegistrationStatus.WAITLISTED, bob.registration.status)
            assertEquals(listOf(bob.registration.id), c.waitingList(ev))

            // Idempotence: the same person (any case) gets the same registration.
            val again = c.registerOutcome(ev, ask("ALICE@Interieur.GOUV.fr"), T0 + 2)
            assertTrue(again.alreadyRegistered)
            assertEquals(aliceRecord, again.registration)
            assertEquals(alice, c.register(ev, ask("alice@INTERIEUR.gouv.fr"), T0 + 3))

            val cancel = c.cancelRegistration(alice, T0 + HOUR)
            assertEquals(RegistrationStatus.CANCELLED, cancel.registration.status)
            assertEquals(listOf(bob.registration.id), cancel.promoted)
            assertEquals(RegistrationStatus.CONFIRMED, c.registration(bob.registration.id)!!.status)
            assertTrue(c.waitingList(ev).isEmpty())
            assertNull(c.checkInvariants())
        }
    }

    @Test
    fun `quotas, capacity changes and remote attendance`() {
        Community.cimi().use { c ->
            val spec = etatPlateforme(capacity = 2).apply {
                quotas = mapOf("interieur" to 1)
                remote = RemoteBroadcast("https://visio.example/cimi", 1)
            }
            val ev = c.scheduleEvent(spec, T0)
            c.register(ev, ask("a@interieur.gouv.fr"), T0)
            val b = c.registerOutcome(ev, ask("b@dnum.interieur.gouv.fr"), T0)
            assertEquals(RegistrationStatus.WAITLISTED, b.registration.status)
            val remote = c.registerOutcome(ev, ask("c@interieur.gouv.fr", AttendanceMode.REMOTE), T0)
            assertEquals(Seat.REMOTE, remote.registration.seat)
            val full = assertThrows<CimiException.Refused> {
                c.register(ev, ask("d@interieur.gouv.fr", AttendanceMode.REMOTE), T0)
            }
            assertEquals("remote_full", full.kind)

            // Raising the quota promotes the waiting registration.
            assertEquals(listOf(b.registration.id), c.setQuota(ev, "interieur", 2, T0 + 1))
            val occupancy = c.occupancy(ev)
            assertEquals(2, occupancy.onSite)
            assertEquals(1, occupancy.remote)
            assertEquals(mapOf("interieur" to 2), occupancy.onSiteByAudience)

            val below = assertThrows<CimiException.InvalidState> { c.setCapacity(ev, 1, T0 + 2) }
            assertEquals("capacity_below_confirmed", below.kind)
            assertEquals(mapOf("confirmed" to "2", "requested" to "1"), below.details)
            assertTrue(c.setCapacity(ev, 10, T0 + 3).isEmpty())
            assertEquals(10, c.event(ev)!!.capacity)
        }
    }

    @Test
    fun `new statutes may not drop an audience an upcoming event's quotas name`() {
        val civic = java.io.File("../../../tests/data/statutes-civic-tech.json").readText()
        Community.cimi().use { c ->
            val spec = etatPlateforme(capacity = 4).apply { quotas = mapOf("interieur" to 2) }
            val ev = c.scheduleEvent(spec, T0)
            c.register(ev, ask("a@interieur.gouv.fr"), T0)
            val inUse = assertThrows<CimiException.InvalidState> { c.replaceStatutesJson(civic, T0 + 1) }
            assertEquals("audience_in_use", inUse.kind)
            assertTrue("interieur" in inUse.message!!, inUse.message)
            assertTrue("interieur" in c.statutesJson())
            // Once the quota is gone the statutes change; the registration
            // (allowed by the statutes of its time) is kept, and saved state loads.
            c.setQuota(ev, "interieur", null, T0 + 2)
            c.replaceStatutesJson(civic, T0 + 3)
            assertEquals(1, c.occupancy(ev).onSite)
            Community.fromJson(c.toJson()).use { back -> assertEquals(c.toJson(), back.toJson()) }
        }
    }

    @Test
    fun `batch registration answers each request`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(capacity = 1), T0)
            val attempts = c.registerMany(
                ev,
                listOf(ask("a@interieur.gouv.fr"), ask("x@gmail.com"), ask("b@interieur.gouv.fr")),
                T0,
            )
            assertEquals(3, attempts.size)
            assertEquals(RegistrationStatus.CONFIRMED, attempts[0].outcome!!.registration.status)
            assertEquals("refused", attempts[1].error!!.family)
            assertEquals("address_not_allowed", attempts[1].error!!.kind)
            assertEquals("*@*.gouv.fr", attempts[1].error!!.details["allowed"])
            assertNull(attempts[1].outcome)
            assertEquals(RegistrationStatus.WAITLISTED, attempts[2].outcome!!.registration.status)
        }
    }

    @Test
    fun `event lifecycle, program, check-in and report`() {
        Community.cimi().use { c ->
            val spec = etatPlateforme().apply {
                draft = true
                program = listOf(
                    ProgramItem(ItemKind.INTRODUCTION, "", listOf()),
                    ProgramItem(
                        ItemKind.TALK, "L'État plateforme",
                        listOf(Speaker("Henri Verdier", "directeur", "DINSIC", true)),
                    ),
                )
            }
            val ev = c.scheduleEvent(spec, T0)
            assertEquals(EventState.DRAFT, c.event(ev)!!.state)
            assertTrue(c.event(ev)!!.recordingAllowed)
            val notYet = assertThrows<CimiException.Refused> { c.register(ev, ask("a@interieur.gouv.fr"), T0) }
            assertEquals("registration_not_open_yet", notYet.kind)
            assertEquals(mapOf("opens_at" to ""), notYet.details) // a draft: no opening time yet

            c.openRegistration(ev, T0)
            val r = c.registerOutcome(ev, ask("a@interieur.gouv.fr"), T0).registration
            val absent = c.registerOutcome(ev, ask("b@interieur.gouv.fr"), T0).registration
            c.setProgram(ev, listOf(ProgramItem(ItemKind.TALK, "", listOf(Speaker("X", "", "", false)))), T0)
            assertFalse(c.event(ev)!!.recordingAllowed)
            c.closeRegistration(ev, T0 + DAY)
            val start = c.event(ev)!!.startsAtMs
            val early = assertThrows<CimiException.InvalidState> { c.markHeld(ev, start - 1) }
            assertEquals("event_not_started", early.kind)
            val checked = c.checkIn(r.id, start)
            assertEquals(start, checked.checkedInAtMs)
            assertEquals(Attendance.ATTENDED, c.attendance(r.id))
            assertEquals(Attendance.PENDING, c.attendance(absent.id))
            c.markHeld(ev, start + 2 * HOUR)
            assertEquals(Attendance.ATTENDED, c.attendance(r.id))
            assertEquals(Attendance.NO_SHOW, c.attendance(absent.id))
            c.publishReport(
                ev, "Très bonne séance",
                listOf(Resource(ResourceKind.SLIDES, "Support", "https://wiki.example/etat.pdf")),
                start + 3 * DAY,
            )
            val reported = c.event(ev)!!
            assertEquals(EventState.REPORTED, reported.state)
            assertEquals("Très bonne séance", reported.report!!.summary)
            val again = assertThrows<CimiException.InvalidState> { c.cancelEvent(ev, start + 4 * DAY) }
            assertEquals("event_transition", again.kind)
            assertEquals(mapOf("from" to "reported", "to" to "cancelled"), again.details)
        }
    }

    @Test
    fun `members, consents, skills and the bureau`() {
        Community.cimi().use { c ->
            val profile = MemberProfile(
                familyName = "Meslier", givenName = "Isabelle", service = "ST(SI)²",
                grade = "commandant", function = "cheffe de projet", corps = "gendarmerie",
                affiliation = listOf("Intérieur", "DGGN", "ST(SI)²"),
                skills = listOf("postgresql", "cartographie"), interests = listOf("données"),
            )
            val id = c.addMember("Isabelle.Meslier@Gendarmerie.Interieur.gouv.fr", profile, T0)
            val m = c.memberByEmail("isabelle.meslier@gendarmerie.interieur.gouv.fr")!!
            assertEquals(id, m.id)
            assertEquals("Isabelle Meslier", m.displayName)
            assertEquals(listOf("cartographie", "postgresql"), m.skills)
            assertEquals(MemberStatus.ACTIVE, c.memberStatus(id, T0 + DAY))
            assertEquals(MemberStatus.DORMANT, c.memberStatus(id, T0 + 3000 * DAY))

            c.setConsent(id, ConsentKind.RECORDING, true, T0)
            assertTrue(c.hasConsent(id, ConsentKind.RECORDING, T0 + 1))
            c.setConsent(id, ConsentKind.RECORDING, false, T0 + DAY)
            assertFalse(c.hasConsent(id, ConsentKind.RECORDING, T0 + DAY + 1))
            assertEquals(2, c.member(id)!!.consents.size)

            c.setBureauRole(id, "GitHub", T0)
            assertEquals(listOf(id), c.bureau().map { it.id })
            assertEquals("GitHub", c.member(id)!!.bureauRole!!.responsibility)
            val dup = assertThrows<CimiException.InvalidState> { c.addMember("isabelle.meslier@gendarmerie.interieur.gouv.fr", profile, T0) }
            assertEquals("duplicate_member", dup.kind)
            val nf = assertThrows<CimiException.NotFound> { c.memberStatus(999, T0) }
            assertEquals("member_not_found", nf.kind)
            assertEquals(mapOf("entity" to "member", "id" to "999"), nf.details)
            assertNull(c.member(999))
        }
    }

    @Test
    fun `updateProfile changes the fields it gives and keeps the others`() {
        Community.cimi().use { c ->
            val profile = MemberProfile(
                familyName = "Meslier", givenName = "Isabelle", service = "ST(SI)²",
                grade = "capitaine", function = "cheffe de projet", corps = "gendarmerie",
                affiliation = listOf("Intérieur", "DGGN"), skills = listOf("postgresql"), interests = listOf(),
            )
            val id = c.addMember("isabelle.meslier@interieur.gouv.fr", profile, T0)
            c.updateProfile(id, ProfileUpdate(grade = "commandant", skills = listOf("postgresql", "kubernetes")), T0 + 1)
            val m = c.member(id)!!
            assertEquals("commandant", m.grade)
            assertEquals(listOf("kubernetes", "postgresql"), m.skills)
            // Every field not given is kept.
            assertEquals("Meslier", m.familyName)
            assertEquals("Isabelle", m.givenName)
            assertEquals("cheffe de projet", m.function)
            assertEquals("gendarmerie", m.corps)
            assertEquals(listOf("Intérieur", "DGGN"), m.affiliation)
            // An empty update changes nothing.
            c.updateProfile(id, ProfileUpdate(), T0 + 2)
            assertEquals(m, c.member(id))
            val nf = assertThrows<CimiException.NotFound> { c.updateProfile(999, ProfileUpdate(grade = "x"), T0) }
            assertEquals(mapOf("entity" to "member", "id" to "999"), nf.details)
        }
    }

    @Test
    fun `a registrant may acknowledge every obligation at once`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            val none = ask("a@interieur.gouv.fr").copy(acknowledged = listOf())
            val refused = assertThrows<CimiException.Refused> { c.register(ev, none, T0) }
            assertEquals("deontology", refused.details["obligation"])
            val r = c.register(ev, none.copy(acknowledgesAll = true), T0)
            assertEquals(RegistrationStatus.CONFIRMED, c.registration(r)!!.status)
        }
    }

    @Test
    fun `error details name what the error is about`() {
        Community.cimi().use { c ->
            val spec = etatPlateforme().apply { registrationOpensAtMs = T0 + DAY }
            val ev = c.scheduleEvent(spec, T0)
            val early = assertThrows<CimiException.Refused> { c.register(ev, ask("a@interieur.gouv.fr"), T0) }
            // An instant is RFC 3339 (UTC, milliseconds): java.time.Instant reads it.
            assertEquals(T0 + DAY, java.time.Instant.parse(early.details["opens_at"]).toEpochMilli())
            val tooLong = ask("b@interieur.gouv.fr").copy(function = "x".repeat(10_000))
            val long = assertThrows<CimiException.Refused> { c.register(ev, tooLong, T0 + DAY) }
            assertEquals("field_too_long", long.kind)
            assertEquals("function", long.details["field"])
            assertEquals(c.statutes().policy.maxFieldChars.toString(), long.details["max"])
            val unknown = assertThrows<CimiException.NotFound> { c.attendance(42) }
            assertEquals(mapOf("entity" to "registration", "id" to "42"), unknown.details)
            // getMessage() shows them too (a map: in no particular order).
            assertTrue("entity=registration" in unknown.message!!, unknown.message)
            // A bug carries none.
            val panic = assertThrows<CimiException.Internal> { c.probePanicWhileChanging("boom") }
            assertTrue(panic.details.isEmpty())
        }
    }

    @Test
    fun `save to JSON and load back, journal replay`(@TempDir dir: Path) {
        Community.cimi().use { c ->
            c.setRecording(true)
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            c.register(ev, ask("a@interieur.gouv.fr"), T0)
            val path = dir.resolve("cimi.json").toString()
            c.save(path)
            Community.load(path).use { back -> assertEquals(c.toJson(), back.toJson()) }
            Community.cimi().use { replica ->
                c.drainChangesJson().forEach { replica.applyChangeJson(it) }
                assertEquals(c.toJson(), replica.toJson())
            }
            val bad = assertThrows<CimiException.Format> { Community.fromJson("{\"format\":\"cimi.community\",\"version\":9}") }
            assertEquals("unsupported_version", bad.kind)
            assertThrows<CimiException.Format> { Community.fromJson("not json") }
            val io = assertThrows<CimiException.Store> { Community.load(dir.resolve("missing.json").toString()) }
            assertEquals("io_error", io.kind)
            assertThrows<CimiException.Statutes> { Community.fromStatutesJson("{}") }
            // Every string at most 100,000 characters, every list at most 100,000 items.
            val doc = c.toJson()
            val longName = doc.replaceFirst("\"given_name\":\"", "\"given_name\":\"" + "x".repeat(100_001))
            val long = assertThrows<CimiException.Format> { Community.fromJson(longName) }
            assertEquals("over_limit", long.kind)
            assertTrue("members[0]" in long.message!!, long.message)
            val skills = (0..100_000).joinToString(",") { "\"s$it\"" }
            val manySkills = doc.replaceFirst("\"skills\":[]", "\"skills\":[$skills]")
            assertEquals("over_limit", assertThrows<CimiException.Format> { Community.fromJson(manySkills) }.kind)
            // An operation refuses a record it could not read back.
            val units = MemberProfile(
                familyName = "", givenName = "", service = "", grade = "", function = "", corps = null,
                affiliation = (0..100_000).map { "u$it" }, skills = listOf(), interests = listOf(),
            )
            val refused = assertThrows<CimiException.Format> { c.addMember("nouveau@interieur.gouv.fr", units, T0) }
            assertEquals("over_limit", refused.kind)
            assertEquals(doc, c.toJson())
        }
    }

    @Test
    fun `invalid input is an exception, not a crash`() {
        Community.cimi().use { c ->
            val negative = assertThrows<CimiException.InvalidInput> { c.scheduleEvent(etatPlateforme(capacity = -1), T0) }
            assertEquals("invalid_input", negative.kind)
            assertTrue("capacity" in negative.detail)
            assertEquals(mapOf("field" to "capacity"), negative.details)
            assertThrows<CimiException.InvalidInput> { c.register(-3, ask("a@interieur.gouv.fr"), T0) }
            assertThrows<CimiException.InvalidInput> { c.register(1, ask("a@interieur.gouv.fr"), Long.MAX_VALUE) }
            val backwards = etatPlateforme().apply { endsAtMs = startsAtMs }
            assertEquals("end_not_after_start", assertThrows<CimiException.InvalidInput> { c.scheduleEvent(backwards, T0) }.kind)
            val gap = assertThrows<CimiException.InvalidInput> { parisInstantMs(2017, 3, 26, 2, 30) }
            assertEquals("nonexistent_local_time", gap.kind)
            assertThrows<CimiException.InvalidInput> { parisInstantMs(2017, 13, 1, 0, 0) }
            assertEquals("invalid_address", assertThrows<CimiException.InvalidInput> { normalizeEmail("Alice <a@b.fr>") }.kind)
            assertEquals("a@interieur.gouv.fr", normalizeEmail("a@INTERIEUR.Gouv.fr"))
            assertThrows<CimiException.NotFound> { c.register(42, ask("a@interieur.gouv.fr"), T0) }
            // The community is still usable afterwards.
            assertNotNull(c.scheduleEvent(etatPlateforme(), T0))
        }
    }

    @Test
    fun `time helpers follow the millisecond convention`() {
        val ms = parisInstantMs(2017, 12, 12, 12, 30)
        assertEquals("2017-12-12T11:30:00.000Z", instantToRfc3339(ms))
        assertEquals("2017-12-12T12:30:00+01:00", instantToParisRfc3339(ms))
        assertEquals(ms, instantFromRfc3339("2017-12-12T11:30:00Z"))
        assertTrue(kotlin.math.abs(nowMs() - System.currentTimeMillis()) < 60_000)
    }

    @Test
    fun `a closed community refuses calls`() {
        val c = Community.cimi()
        c.close()
        assertThrows<IllegalStateException> { c.events() }
    }
}
