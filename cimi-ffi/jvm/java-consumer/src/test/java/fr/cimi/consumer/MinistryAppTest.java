package fr.cimi.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import fr.cimi.Cancellation;
import fr.cimi.Cimi;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.EventKind;
import fr.cimi.EventSpec;
import fr.cimi.EventSpecBuilder;
import fr.cimi.ItemKind;
import fr.cimi.Member;
import fr.cimi.MemberProfileBuilder;
import fr.cimi.Occupancy;
import fr.cimi.ProfileUpdateBuilder;
import fr.cimi.Registration;
import fr.cimi.RegistrationAttempt;
import fr.cimi.RegistrationOutcome;
import fr.cimi.RegistrationRequest;
import fr.cimi.RegistrationRequestBuilder;
import fr.cimi.RegistrationStatus;
import fr.cimi.Seat;
import fr.cimi.Speaker;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a ministry application written in plain Java does with the library:
 * only the cimi-kotlin jar, JNA and kotlin-stdlib on the class path.
 */
class MinistryAppTest {
    private static final long HOUR = 3_600_000L;

    /** A registration form from {@code email}, both CIMI obligations acknowledged. */
    private static RegistrationRequestBuilder form(String email, String family, String given) {
        return new RegistrationRequestBuilder(email)
                .familyName(family).givenName(given)
                .service("ST(SI)²").grade("capitaine").function("chef de projet")
                .acknowledged("deontology", "pssi");
    }

    private static RegistrationRequest request(String email, String family, String given) {
        return form(email, family, given).build();
    }

    private static EventSpec miditech(int capacity) throws CimiException {
        long start = Cimi.parisInstantMs(2017, 12, 12, 12, 30);
        long end = Cimi.parisInstantMs(2017, 12, 12, 14, 30);
        return new EventSpecBuilder(EventKind.MIDITECH, "L'État plateforme", start, end, capacity)
                .venue("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux")
                .remote("https://visio.example/cimi", null)
                .quota("interieur", 1)
                .item(ItemKind.WELCOME, "Accueil")
                .item(ItemKind.TALK, "L'État plateforme",
                        new Speaker("Henri Verdier", "directeur", "DINSIC", false))
                .build();
    }

    @Test
    void theNativeLibraryTravelsInTheJar() {
        URL lib = Community.class.getResource("/linux-x86-64/libcimi_ffi.so");
        if (System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"))) {
            assertNotNull(lib, "libcimi_ffi.so is not in the cimi-kotlin jar");
            assertEquals("jar", lib.getProtocol(), "the library should come from the jar: " + lib);
        }
        assertFalse(Cimi.libraryVersion().isEmpty());
    }

    @Test
    void registerRefuseCancelAndSave(@TempDir Path dir) throws Exception {
        long now = Cimi.parisInstantMs(2017, 11, 20, 9, 0);
        try (Community cimi = Community.cimi()) {
            long event = cimi.scheduleEvent(miditech(2), now);

            // register answers the registration's identifier; registration(id) reads it.
            long alice = cimi.register(
                    event, request("alice.martin@interieur.gouv.fr", "Martin", "Alice"), now);
            Registration aliceRecord = cimi.registration(alice);
            assertEquals(RegistrationStatus.CONFIRMED, aliceRecord.getStatus());
            assertEquals(Seat.ON_SITE, aliceRecord.getSeat());

            // Second person of the home ministry: over the "interieur" quota, waits.
            // registerOutcome answers the whole registration in the same call.
            RegistrationOutcome bruno = cimi.registerOutcome(
                    event, request("bruno.petit@gendarmerie.interieur.gouv.fr", "Petit", "Bruno"), now + 1);
            assertFalse(bruno.getAlreadyRegistered());
            assertEquals(RegistrationStatus.WAITLISTED, bruno.getRegistration().getStatus());

            // Asking again (any letter case) answers the same registration.
            assertEquals(alice, cimi.register(
                    event, request("Alice.Martin@INTERIEUR.gouv.fr", "Martin", "Alice"), now + 1));
            assertEquals(List.of(bruno.getRegistration().getId()), cimi.waitingList(event));

            // A personal mailbox is refused; the program branches on the kind.
            try {
                cimi.register(event, request("jean.dupont@gmail.com", "Dupont", "Jean"), now + 2);
                fail("a gmail address must be refused");
            } catch (CimiException.Refused refused) {
                assertEquals("address_not_allowed", refused.getKind());
                assertTrue(refused.getDetail().contains("*@*.gouv.fr"), refused.getDetail());
                assertTrue(refused.getDetailFr().startsWith("cette adresse"), refused.getDetailFr());
                assertEquals(Map.of("allowed", "*@*.gouv.fr"), refused.getDetails());
            }

            // One hierarchy: catching the base class catches every family,
            // and the base class answers the kind and details, no cast needed.
            try {
                cimi.register(event, request("x@interieur.gouv.fr", "", "X"), now + 3);
                fail("an empty family name must be refused");
            } catch (CimiException any) {
                assertTrue(any instanceof CimiException.Refused);
                assertEquals("refused", any.getFamily());
                assertEquals("missing_field", any.getKind());
                assertEquals("family_name", any.getDetails().get("field"));
            }

            // Alice cancels: the waiting list moves.
            Cancellation cancel = cimi.cancelRegistration(alice, now + HOUR);
            assertEquals(List.of(bruno.getRegistration().getId()), cancel.getPromoted());
            assertTrue(cimi.waitingList(event).isEmpty());
            Occupancy occupancy = cimi.occupancy(event);
            assertEquals(1, occupancy.getOnSite());
            assertEquals(RegistrationStatus.CONFIRMED,
                    cimi.registration(bruno.getRegistration().getId()).getStatus());

            // Save to JSON and load it back.
            Path file = dir.resolve("cimi.json");
            cimi.save(file.toString());
            assertTrue(Files.readString(file).contains("\"cimi.community\""));
            try (Community loaded = Community.load(file.toString())) {
                assertEquals(cimi.toJson(), loaded.toJson());
                assertEquals(1, loaded.occupancy(event).getOnSite());
            }
            assertNull(cimi.checkInvariants());
        }
    }

    @Test
    void batchRegistrationAndMembers() throws CimiException {
        long now = Cimi.nowMs();
        try (Community cimi = Community.cimi()) {
            long start = now + 7 * 24 * HOUR;
            long event = cimi.scheduleEvent(
                    Cimi.eventSpec(EventKind.WORKSHOP, "PostgreSQL", start, start + 2 * HOUR, 10), now);
            List<RegistrationAttempt> attempts = cimi.registerMany(event, List.of(
                    request("a@interieur.gouv.fr", "A", "Anne"),
                    request("b@example.com", "B", "Basile"),
                    request("c@finances.gouv.fr", "C", "Chloé")), now);
            assertNotNull(attempts.get(0).getOutcome());
            assertEquals("address_not_allowed", attempts.get(1).getError().getKind());
            assertEquals("*@*.gouv.fr", attempts.get(1).getError().getDetails().get("allowed"));
            assertNotNull(attempts.get(2).getOutcome());
            // Registering made them members de fait.
            assertEquals(2, cimi.members().size());
            assertEquals("Chloé C", cimi.memberByEmail("C@FINANCES.gouv.fr").getDisplayName());
        }
    }

    @Test
    void errorsCarryTheirDetails() throws CimiException {
        long now = Cimi.parisInstantMs(2017, 11, 20, 9, 0);
        try (Community cimi = Community.cimi()) {
            long event = cimi.scheduleEvent(miditech(10), now);

            // A refused registration says which obligation is missing.
            RegistrationRequestBuilder noPssi = form("alice.martin@interieur.gouv.fr", "Martin", "Alice")
                    .acknowledged("deontology");
            CimiException.Refused refused = assertThrows(CimiException.Refused.class,
                    () -> cimi.register(event, noPssi.build(), now));
            assertEquals("obligation_not_acknowledged", refused.getKind());
            assertEquals("pssi", refused.getDetails().get("obligation"));
            // The one "I accept the obligations" box of a form.
            long alice = cimi.register(event, noPssi.acknowledgesAll(true).build(), now);

            // An unknown member or registration: the entity and the identifier.
            CimiException.NotFound member = assertThrows(CimiException.NotFound.class,
                    () -> cimi.memberStatus(4242, now));
            assertEquals(Map.of("entity", "member", "id", "4242"), member.getDetails());
            CimiException.NotFound registration = assertThrows(CimiException.NotFound.class,
                    () -> cimi.cancelRegistration(alice + 100, now));
            assertEquals("registration", registration.getDetails().get("entity"));
            assertEquals(alice + 100, Long.parseLong(registration.getDetails().get("id")));

            // The numbers of an impossible change; an invalid argument's name.
            CimiException.InvalidState below = assertThrows(CimiException.InvalidState.class,
                    () -> cimi.setCapacity(event, 0, now));
            assertEquals(Map.of("confirmed", "1", "requested", "0"), below.getDetails());
            CimiException.InvalidInput negative = assertThrows(CimiException.InvalidInput.class,
                    () -> cimi.setCapacity(event, -1, now));
            assertEquals("capacity", negative.getDetails().get("field"));
        }
    }

    @Test
    void profileUpdatesChangeOnlyWhatTheyGive() throws CimiException {
        long now = Cimi.parisInstantMs(2017, 11, 20, 9, 0);
        try (Community cimi = Community.cimi()) {
            long id = cimi.addMember("isabelle.meslier@interieur.gouv.fr",
                    new MemberProfileBuilder("Meslier", "Isabelle")
                            .service("ST(SI)²").grade("capitaine").function("cheffe de projet")
                            .corps("gendarmerie").affiliation("Intérieur", "DGGN").skills("postgresql")
                            .build(), now);
            // Only the grade is given: every other field is kept.
            cimi.updateProfile(id, new ProfileUpdateBuilder().grade("commandant").build(), now + 1);
            Member m = cimi.member(id);
            assertEquals("commandant", m.getGrade());
            assertEquals("Meslier", m.getFamilyName());
            assertEquals("gendarmerie", m.getCorps());
            assertEquals(List.of("postgresql"), m.getSkills());
        }
    }

    @Test
    void durableCommunityForAService(@TempDir Path dir) throws CimiException {
        String store = dir.resolve("cimi-store").toString();
        long now = Cimi.parisInstantMs(2017, 11, 20, 9, 0);
        long event;
        try (Community cimi = Community.open(store, null, "inscriptions-web")) {
            event = cimi.scheduleEvent(miditech(10), now);
            cimi.register(event, request("alice.martin@interieur.gouv.fr", "Martin", "Alice"), now);
        }
        try (Community reopened = Community.open(store, null, "inscriptions-web")) {
            assertEquals(1, reopened.occupancy(event).getOnSite());
            long alice = reopened.memberByEmail("alice.martin@interieur.gouv.fr").getId();
            assertTrue(reopened.memberHistory(alice).stream()
                    .anyMatch(e -> e.getActor().equals("inscriptions-web") && e.getAction().equals("registered")));
        }
    }

    @Test
    void invalidInputIsAnExceptionNotACrash() throws CimiException {
        try (Community cimi = Community.cimi()) {
            CimiException.InvalidInput e = assertThrows(CimiException.InvalidInput.class,
                    () -> cimi.setCapacity(1, -5, Cimi.nowMs()));
            assertEquals("invalid_input", e.getKind());
            assertThrows(CimiException.NotFound.class, () -> cimi.setCapacity(77, 5, Cimi.nowMs()));
            assertThrows(CimiException.InvalidInput.class, () -> cimi.register(1, request("a@interieur.gouv.fr", "A", "A"), Long.MIN_VALUE));
            assertThrows(CimiException.Format.class, () -> Community.fromJson("{\"format\": 3"));
            // Still usable.
            assertTrue(cimi.events().isEmpty());
        }
    }
}
