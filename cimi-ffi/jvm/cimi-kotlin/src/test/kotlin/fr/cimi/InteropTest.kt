package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** Spreadsheets, calendars and registration by e-mail. */
class InteropTest {
    private val french = CsvOptions(CsvDialect.FRENCH_OFFICE, Lang.FR, false)

    @Test
    fun `CSV exports and the member import`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val sheet = c.attendeesCsv(ev, french)
            assertTrue(sheet.startsWith("\uFEFF"))
            assertTrue("alice@interieur.gouv.fr" in sheet && ";" in sheet, sheet)
            assertTrue(c.directoryCsv(CsvOptions(CsvDialect.RFC4180, Lang.EN, false), T0).startsWith("family name,"))

            val data = "Nom;Prénom;E-mail;Compétences\r\nMartin;Bob;bob@interieur.gouv.fr;rust, sql\r\nX;Y;pas-une-adresse;\r\n"
            val strict = c.importMembersCsv(data.toByteArray(), false, T0)
            assertFalse(strict.complete)
            assertTrue(strict.imported.isEmpty())
            assertEquals(3L, strict.rejected.single().line)
            val lenient = c.importMembersCsv(data.toByteArray(), true, T0)
            assertEquals(1, lenient.imported.size)
            assertEquals(listOf("rust", "sql"), c.member(lenient.imported[0])!!.skills)
            assertEquals(";", lenient.separator)
            val empty = assertThrows<CimiException.Interop> { c.importMembersCsv(ByteArray(0), true, T0) }
            assertEquals("csv_empty", empty.kind)
        }
    }

    @Test
    fun `iCalendar documents`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            val r = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            assertTrue(c.eventIcal(ev, T0).startsWith("BEGIN:VCALENDAR\r\n"))
            assertTrue("METHOD:PUBLISH" in c.calendarIcal(listOf(ev), T0))
            assertTrue("METHOD:REQUEST" in c.invitationIcal(r, "cimi@interieur.gouv.fr", T0))
            assertEquals("event_not_found", assertThrows<CimiException.NotFound> { c.calendarIcal(listOf(99), T0) }.kind)
        }
    }

    /** The calendar lines, unfolded (RFC 5545 §3.1). */
    private fun lines(ics: String) = ics.replace("\r\n ", "").split("\r\n")

    @Test
    fun `calendar updates - a reschedule and a cancellation raise the SEQUENCE, CANCEL withdraws the entry`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            val r = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            val first = lines(c.eventIcal(ev, T0))
            assertTrue("METHOD:PUBLISH" in first && "SEQUENCE:0" in first, first.toString())
            assertEquals(0, c.event(ev)!!.revision)

            // Moved by a week: same UID, a higher SEQUENCE, the new start.
            val start = c.event(ev)!!.startsAtMs
            c.reschedule(ev, start + 7 * DAY, start + 7 * DAY + 2 * HOUR, T0 + HOUR)
            val moved = c.event(ev)!!
            assertEquals(start + 7 * DAY, moved.startsAtMs)
            assertEquals(1, moved.revision)
            val second = lines(c.eventIcal(ev, T0 + HOUR))
            assertTrue("SEQUENCE:1" in second && "DTSTART;TZID=Europe/Paris:20171219T123000" in second, second.toString())
            assertEquals(first.single { it.startsWith("UID:") }, second.single { it.startsWith("UID:") })
            assertEquals(
                "end_not_after_start",
                assertThrows<CimiException.InvalidInput> { c.reschedule(ev, start, start - HOUR, T0) }.kind,
            )

            // The cancelled event's own export: METHOD:CANCEL, a higher SEQUENCE still.
            c.cancelEvent(ev, T0 + 2 * HOUR)
            assertEquals(2, c.event(ev)!!.revision)
            val cancel = lines(c.eventIcal(ev, T0 + 2 * HOUR))
            assertTrue("METHOD:CANCEL" in cancel, cancel.toString())
            assertTrue("SEQUENCE:2" in cancel && "STATUS:CANCELLED" in cancel, cancel.toString())
            assertEquals(first.single { it.startsWith("UID:") }, cancel.single { it.startsWith("UID:") })
            // In a calendar of several, it stays as cancelled; the invitation is cancelled too.
            val calendar = lines(c.calendarIcal(listOf(ev), T0 + 2 * HOUR))
            assertTrue("METHOD:PUBLISH" in calendar && "STATUS:CANCELLED" in calendar && "SEQUENCE:2" in calendar)
            assertTrue("METHOD:CANCEL" in lines(c.invitationIcal(r, "cimi@interieur.gouv.fr", T0 + 2 * HOUR)))
            // An event already over cannot move.
            assertEquals(
                "event_over",
                assertThrows<CimiException.InvalidState> { c.reschedule(ev, start, start + HOUR, T0) }.kind,
            )
        }
    }

    @Test
    fun `an optional reminder - the With exports take IcalOptions`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            val r = c.register(ev, ask("alice@interieur.gouv.fr"), T0)
            // The default options give the documents of the plain exports.
            assertEquals(c.eventIcal(ev, T0), c.eventIcalWith(ev, IcalOptions(), T0))
            assertEquals(c.calendarIcal(listOf(ev), T0), c.calendarIcalWith(listOf(ev), IcalOptions(), T0))
            assertEquals(
                c.invitationIcal(r, "cimi@interieur.gouv.fr", T0),
                c.invitationIcalWith(r, "cimi@interieur.gouv.fr", IcalOptions(), T0),
            )
            assertTrue("BEGIN:VALARM" !in lines(c.eventIcal(ev, T0)))

            val halfHour = IcalOptions(reminderMs = 30 * 60_000L)
            for (ics in listOf(
                c.eventIcalWith(ev, halfHour, T0),
                c.calendarIcalWith(listOf(ev), halfHour, T0),
                c.invitationIcalWith(r, "cimi@interieur.gouv.fr", halfHour, T0),
            )) {
                val l = lines(ics)
                assertTrue("BEGIN:VALARM" in l && "ACTION:DISPLAY" in l && "TRIGGER:-PT30M" in l, l.toString())
            }
            assertTrue("TRIGGER:-P1DT2H" in lines(c.eventIcalWith(ev, IcalOptions(reminderMs = DAY + 2 * HOUR), T0)))
            // A negative reminder is the core's zero; one beyond any duration is invalid input.
            assertTrue("TRIGGER:-PT0S" in lines(c.eventIcalWith(ev, IcalOptions(reminderMs = -HOUR), T0)))
            val e = assertThrows<CimiException.InvalidInput> {
                c.eventIcalWith(ev, IcalOptions(reminderMs = Long.MIN_VALUE), T0)
            }
            assertEquals(mapOf("field" to "reminder_ms"), e.details)

            // No reminder for an event that no longer stands.
            c.cancelEvent(ev, T0)
            val cancel = lines(c.eventIcalWith(ev, halfHour, T0))
            assertTrue("METHOD:CANCEL" in cancel && "BEGIN:VALARM" !in cancel, cancel.toString())
        }
    }

    @Test
    fun `registration by e-mail, or a French reply saying what is missing`() {
        Community.cimi().use { c ->
            val ev = c.scheduleEvent(etatPlateforme(), T0)
            val raw = "From: Jean Dupont <jean.dupont@interieur.gouv.fr>\r\n" +
                "Subject: Inscription au miditech L'Etat plateforme\r\n\r\n" +
                "Nom : Dupont\r\nPrenom : Jean\r\nService : DNUM\r\nGrade : attaché\r\n" +
                "Fonction : chef de projet\r\nEngagements : oui\r\n"
            val trust = MailPolicy(false, "")
            val reading = c.readRegistrationEmail(raw.toByteArray(), trust, T0)
            assertTrue(reading.complete, reading.problems.toString())
            assertEquals(ev, reading.eventId)
            assertEquals("Dupont", reading.request.familyName)

            val ok = c.registerFromEmail(raw.toByteArray(), trust, T0)
            assertTrue(ok.registered)
            assertNotNull(ok.outcome)
            assertTrue("confirmée" in ok.replyFr, ok.replyFr)

            val missing = raw.replace("Grade : attaché\r\n", "").replace("jean.dupont", "paul.martin")
            val reply = c.registerFromEmail(missing.toByteArray(), trust, T0)
            assertFalse(reply.registered)
            assertEquals("missing_field", reply.problems.first().kind)
            assertTrue("grade" in reply.replyFr)

            val dmarc = c.registerFromEmail(raw.toByteArray(), MailPolicy(true, "mx.interieur.gouv.fr"), T0)
            assertFalse(dmarc.registered)
        }
    }
}
