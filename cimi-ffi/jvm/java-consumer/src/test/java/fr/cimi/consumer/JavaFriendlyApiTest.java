package fr.cimi.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import fr.cimi.AttendanceMode;
import fr.cimi.Cimi;
import fr.cimi.CimiException;
import fr.cimi.Community;
import fr.cimi.Event;
import fr.cimi.EventKind;
import fr.cimi.EventSpec;
import fr.cimi.EventSpecBuilder;
import fr.cimi.ItemKind;
import fr.cimi.MemberProfile;
import fr.cimi.MemberProfileBuilder;
import fr.cimi.NewWatchItem;
import fr.cimi.NewWatchItemBuilder;
import fr.cimi.ProfileUpdate;
import fr.cimi.ProfileUpdateBuilder;
import fr.cimi.ProgramItem;
import fr.cimi.RegistrationRequest;
import fr.cimi.RegistrationRequestBuilder;
import fr.cimi.RemoteBroadcast;
import fr.cimi.Speaker;
import fr.cimi.StoreOptions;
import fr.cimi.StoreOptionsBuilder;
import fr.cimi.Venue;
import fr.cimi.WatchItem;
import fr.cimi.WatchScope;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls a Java developer writes: records from their builders, instants as
 * {@link Instant} and durations as {@link Duration}, and errors caught as
 * {@link CimiException} and read through the base class.
 */
class JavaFriendlyApiTest {
    /** 20 November 2017, 10:00 in Paris. */
    private static final Instant T0 = Instant.parse("2017-11-20T09:00:00Z");
    private static final Instant START = Instant.parse("2017-12-12T11:30:00Z");
    private static final Instant END = START.plus(Duration.ofHours(2));

    private static final Speaker VERDIER = new Speaker("Henri Verdier", "directeur", "DINSIC", true);

    @Test
    void buildersGiveTheRecordsTheConstructorsGive() throws CimiException {
        // A registration request: every field named, none swapped.
        assertEquals(
                new RegistrationRequest("jean.dupont@interieur.gouv.fr", "Dupont", "Jean", "ST(SI)²",
                        "capitaine", "chef de projet", List.of("deontology", "pssi"), AttendanceMode.REMOTE, true),
                new RegistrationRequestBuilder("jean.dupont@interieur.gouv.fr")
                        .familyName("Dupont").givenName("Jean")
                        .service("ST(SI)²").grade("capitaine").function("chef de projet")
                        .acknowledged(List.of("deontology", "pssi"))
                        .attendance(AttendanceMode.REMOTE)
                        .acknowledgesAll(true)
                        .build());
        // Its defaults are the core's (Cimi.registrationRequest): empty, on site, nothing acknowledged.
        RegistrationRequest bare = new RegistrationRequestBuilder("a@interieur.gouv.fr").build();
        assertEquals(Cimi.registrationRequest("a@interieur.gouv.fr"), bare);
        assertEquals(new RegistrationRequest("a@interieur.gouv.fr", "", "", "", "", "", List.of(),
                AttendanceMode.ON_SITE, false), bare);

        // An event spec, from Instants or from milliseconds, over Cimi.eventSpec's defaults.
        EventSpec expected = Cimi.eventSpec(EventKind.MIDITECH, "L'État plateforme",
                START.toEpochMilli(), END.toEpochMilli(), 80);
        expected.setVenue(new Venue("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux"));
        expected.setRemote(new RemoteBroadcast("https://visio.example/cimi", 50));
        expected.setQuotas(Map.of("interieur", 20, "finances", 10));
        expected.setRegistrationOpensAtMs(T0.toEpochMilli());
        expected.setRegistrationClosesAtMs(START.minus(Duration.ofDays(1)).toEpochMilli());
        expected.setWaitlist(false);
        expected.setProgram(List.of(
                new ProgramItem(ItemKind.WELCOME, "Accueil", List.of()),
                new ProgramItem(ItemKind.TALK, "L'État plateforme", List.of(VERDIER))));
        expected.setDraft(true);
        EventSpec fromInstants = new EventSpecBuilder(EventKind.MIDITECH, "L'État plateforme", START, END, 80)
                .venue("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux")
                .remote("https://visio.example/cimi", 50)
                .quota("interieur", 20).quota("finances", 10)
                .registrationOpensAt(T0)
                .registrationClosesAt(START.minus(Duration.ofDays(1)))
                .waitlist(false)
                .item(ItemKind.WELCOME, "Accueil")
                .item(ItemKind.TALK, "L'État plateforme", VERDIER)
                .draft(true)
                .build();
        assertEquals(expected, fromInstants);
        EventSpec fromMillis = new EventSpecBuilder(EventKind.MIDITECH, "L'État plateforme",
                START.toEpochMilli(), END.toEpochMilli(), 80)
                .venue(new Venue("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux"))
                .remote(new RemoteBroadcast("https://visio.example/cimi", 50))
                .quotas(Map.of("interieur", 20, "finances", 10))
                .registrationOpensAtMs(T0.toEpochMilli())
                .registrationClosesAtMs(START.minus(Duration.ofDays(1)).toEpochMilli())
                .waitlist(false)
                .program(expected.getProgram())
                .draft(true)
                .build();
        assertEquals(expected, fromMillis);
        // With nothing set, the builder gives Cimi.eventSpec's defaults.
        assertEquals(Cimi.eventSpec(EventKind.WORKSHOP, "PostgreSQL", START.toEpochMilli(), END.toEpochMilli(), 10),
                new EventSpecBuilder(EventKind.WORKSHOP, "PostgreSQL", START, END, 10).build());

        // A member's profile, a profile update, a watch item.
        assertEquals(
                new MemberProfile("Meslier", "Isabelle", "ST(SI)²", "capitaine", "cheffe de projet", "gendarmerie",
                        List.of("Intérieur", "DGGN"), List.of("postgresql"), List.of("rust")),
                new MemberProfileBuilder("Meslier", "Isabelle")
                        .service("ST(SI)²").grade("capitaine").function("cheffe de projet").corps("gendarmerie")
                        .affiliation("Intérieur", "DGGN").skills("postgresql").interests("rust")
                        .build());
        assertEquals(new MemberProfile("Meslier", "Isabelle", "", "", "", null, List.of(), List.of(), List.of()),
                new MemberProfileBuilder("Meslier", "Isabelle").build());
        assertEquals(new ProfileUpdate(), new ProfileUpdateBuilder().build()); // every field kept
        ProfileUpdate update = new ProfileUpdate();
        update.setGrade("commandant");
        update.setSkills(List.of());
        assertEquals(update, new ProfileUpdateBuilder().grade("commandant").skills().build());
        assertEquals(
                new NewWatchItem("PostgreSQL 10", "https://www.postgresql.org/", "Réplication logique",
                        List.of("postgresql"), WatchScope.EXTERNAL, "alice@interieur.gouv.fr", 3L, null),
                new NewWatchItemBuilder("PostgreSQL 10", "https://www.postgresql.org/",
                        WatchScope.EXTERNAL, "alice@interieur.gouv.fr")
                        .summary("Réplication logique").tags("postgresql").eventId(3L)
                        .build());

        // Store options over Cimi.storeOptions's defaults; a Duration for the lock timeout.
        assertEquals(Cimi.storeOptions(), new StoreOptionsBuilder().build());
        StoreOptions options = new StoreOptionsBuilder()
                .actor("inscriptions-web").schema("cimi_test").community("paris")
                .lockTimeout(Duration.ofSeconds(30))
                .build();
        // The CIMI statutes for a new store, for writing, durable: the defaults kept.
        assertEquals(new StoreOptions(null, "inscriptions-web", false, true, "cimi_test", "paris", 30_000L),
                options);
    }

    @Test
    void aBuilderGoesOnAfterBuild() {
        RegistrationRequestBuilder form = new RegistrationRequestBuilder("alice@interieur.gouv.fr")
                .familyName("Martin").givenName("Alice").acknowledged("deontology");
        RegistrationRequest first = form.build();
        RegistrationRequest second = form.acknowledged("deontology", "pssi").build();
        assertEquals(List.of("deontology"), first.getAcknowledged());
        assertEquals(List.of("deontology", "pssi"), second.getAcknowledged());
        // Records are values: changing one changes neither the builder nor the others.
        first.setFamilyName("Durand");
        assertEquals("Martin", form.build().getFamilyName());
        assertNotEquals(first, second);
    }

    @Test
    void buildersCheckNothingTheCoreJudges(@TempDir Path dir) throws CimiException {
        try (Community cimi = Community.cimi()) {
            // The builder accepts an incomplete request; the core refuses it.
            long event = cimi.scheduleEvent(
                    new EventSpecBuilder(EventKind.MIDITECH, "L'État plateforme", START, END, 10).build(),
                    T0.toEpochMilli());
            try {
                cimi.register(event, new RegistrationRequestBuilder("x@interieur.gouv.fr").build(), T0.toEpochMilli());
                fail("an empty request must be refused");
            } catch (CimiException e) {
                assertEquals("refused", e.getFamily());
                assertEquals("missing_field", e.getKind());
                assertEquals("family_name", e.getDetails().get("field"));
            }
            // An end before the start is the core's invalid input.
            try {
                cimi.scheduleEvent(new EventSpecBuilder(EventKind.MIDITECH, "À l'envers", END, START, 10).build(),
                        T0.toEpochMilli());
                fail("an end before the start must be refused");
            } catch (CimiException e) {
                assertEquals("invalid_input", e.getFamily());
                assertEquals("end_not_after_start", e.getKind());
            }
        }
        // A lock timeout of zero is refused when the store opens.
        try (Community c = Community.openWith(dir.resolve("store").toString(),
                new StoreOptionsBuilder().lockTimeout(Duration.ZERO).build())) {
            fail("a zero lock timeout must be refused");
        } catch (CimiException e) {
            assertEquals("invalid_input", e.getKind());
            assertEquals("lock_timeout_ms", e.getDetails().get("field"));
        }
    }

    @Test
    void anEventFromTheBuilderReadsBackAsInstants() throws CimiException {
        try (Community cimi = Community.cimi()) {
            Instant opens = T0.plus(Duration.ofDays(1));
            long id = cimi.scheduleEvent(
                    new EventSpecBuilder(EventKind.WORKSHOP, "PostgreSQL", START, END, 12)
                            .venue("DNUM", "Place Beauvau, Paris")
                            .remote("https://visio.example/pg", null)
                            .quota("interieur", 6)
                            .registrationOpensAt(opens)
                            .item(ItemKind.HANDS_ON, "Réplication logique", VERDIER)
                            .build(),
                    T0.toEpochMilli());
            Event event = cimi.event(id);
            assertEquals(START, Instant.ofEpochMilli(event.getStartsAtMs()));
            assertEquals(END, Instant.ofEpochMilli(event.getEndsAtMs()));
            assertEquals(opens, Instant.ofEpochMilli(event.getRegistrationOpensAtMs()));
            assertEquals(START, Instant.ofEpochMilli(event.getRegistrationDeadlineMs()));
            assertEquals(Map.of("interieur", 6), event.getQuotas());
            assertNull(event.getRemote().getCapacity()); // unlimited
            assertEquals(List.of(VERDIER), event.getProgram().get(0).getSpeakers());
            assertTrue(event.getRecordingAllowed());

            // Before the window opens, the refusal says when it opens, as RFC 3339 text.
            try {
                cimi.register(id, new RegistrationRequestBuilder("alice@interieur.gouv.fr")
                        .familyName("Martin").givenName("Alice").service("DNUM").grade("attachée")
                        .function("architecte").acknowledgesAll(true).build(), T0.toEpochMilli());
                fail("registration is not open yet");
            } catch (CimiException e) {
                assertEquals("registration_not_open_yet", e.getKind());
                assertEquals(opens, Instant.parse(e.getDetails().get("opens_at")));
            }
        }
    }

    /** One failure of each family the scenario can meet, read from the base class only. */
    @Test
    void theBaseClassAnswersFamilyKindAndDetails() throws CimiException {
        long now = T0.toEpochMilli();
        try (Community cimi = Community.cimi()) {
            long event = cimi.scheduleEvent(
                    new EventSpecBuilder(EventKind.MIDITECH, "L'État plateforme", START, END, 10).build(), now);
            cimi.register(event, new RegistrationRequestBuilder("alice@interieur.gouv.fr")
                    .familyName("Martin").givenName("Alice").service("DNUM").grade("attachée")
                    .function("architecte").acknowledgesAll(true).build(), now);

            List<String> seen = new ArrayList<>();
            List<Call> calls = List.of(
                    () -> cimi.register(event, new RegistrationRequestBuilder("bob@gmail.com")
                            .familyName("Bob").givenName("Bob").service("DNUM").grade("attaché")
                            .function("dev").acknowledgesAll(true).build(), now),
                    () -> cimi.memberStatus(4242, now),
                    () -> cimi.setCapacity(event, 0, now),
                    () -> cimi.setCapacity(event, -1, now),
                    () -> Community.fromJson("{\"format\": 3"),
                    () -> cimi.updateProfile(999, new ProfileUpdateBuilder().grade("x").build(), now));
            for (Call call : calls) {
                try {
                    call.run();
                    fail("expected a CimiException");
                } catch (CimiException e) {
                    // What a Java program does: branch on the kind, show the message.
                    switch (e.getKind()) {
                        case "address_not_allowed":
                        case "member_not_found":
                        case "capacity_below_confirmed":
                        case "invalid_input":
                        case "invalid_json":
                            break;
                        default:
                            fail("unexpected kind " + e.getKind() + ": " + e.getDetail());
                    }
                    assertFalse(e.getDetail().isEmpty());
                    assertFalse(e.getDetailFr().isEmpty());
                    assertTrue(e.getMessage().contains("kind=" + e.getKind()), e.getMessage());
                    seen.add(e.getFamily() + " " + e.getKind() + " " + new TreeMap<>(e.getDetails()));
                }
            }
            assertEquals(List.of(
                    "refused address_not_allowed {allowed=*@*.gouv.fr}",
                    "not_found member_not_found {entity=member, id=4242}",
                    "invalid_state capacity_below_confirmed {confirmed=1, requested=0}",
                    "invalid_input invalid_input {field=capacity}",
                    "format invalid_json {}",
                    "not_found member_not_found {entity=member, id=999}"), seen);
        }
        // The members are declared on the base class itself (generate.sh), not only on the families.
        for (String getter : List.of("getKind", "getFamily", "getDetail", "getDetailFr", "getDetails")) {
            Method m;
            try {
                m = CimiException.class.getMethod(getter);
            } catch (NoSuchMethodException e) {
                throw new AssertionError("CimiException." + getter + "() is missing", e);
            }
            assertEquals(CimiException.class, m.getDeclaringClass(), getter);
            assertTrue(Modifier.isAbstract(m.getModifiers()), getter);
        }
    }

    /** A call that may throw a {@link CimiException}. */
    @FunctionalInterface
    private interface Call {
        void run() throws CimiException;
    }

    @Test
    void storeOptionsFromTheBuilder(@TempDir Path dir) throws CimiException {
        String store = dir.resolve("cimi-store").toString();
        long now = T0.toEpochMilli();
        long event;
        try (Community writer = Community.openWith(store, new StoreOptionsBuilder().actor("inscriptions-web").build())) {
            assertTrue(writer.isDurable());
            assertEquals("inscriptions-web", writer.actor());
            event = writer.scheduleEvent(
                    new EventSpecBuilder(EventKind.MIDITECH, "L'État plateforme", START, END, 10).build(), now);
            writer.shareWatchItem(new NewWatchItemBuilder("PostgreSQL 10", "https://www.postgresql.org/",
                    WatchScope.EXTERNAL, "alice@interieur.gouv.fr")
                    .summary("Réplication logique").tags("postgresql").eventId(event).build(), now);
        }
        try (Community follower = Community.openWith(store, new StoreOptionsBuilder().readOnly(true).build())) {
            assertTrue(follower.isReadOnly());
            WatchItem item = follower.watchItems().get(0);
            assertEquals(List.of("postgresql"), item.getTags());
            assertEquals(Long.valueOf(event), item.getEventId());
            try {
                follower.cancelEvent(event, now);
                fail("a follower cannot write");
            } catch (CimiException e) {
                assertEquals("store", e.getFamily());
                assertEquals("store_read_only", e.getKind());
            }
        }
    }
}
