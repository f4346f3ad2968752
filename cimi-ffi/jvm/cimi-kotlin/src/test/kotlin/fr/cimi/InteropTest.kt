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
