// Hand-written, shipped in the cimi-kotlin jar beside the generated bindings
// (cimi-ffi/generated/kotlin): builders of the records a Java program fills in.
//
// Kotlin callers have named arguments and default values; Java has neither,
// so a record of eight or nine fields is a long positional constructor call
// where two strings are easily swapped. Each builder here starts from the
// record's defaults (the library's own factories where the defaults are the
// core's: `registrationRequest`, `eventSpec`, `storeOptions`; empty texts,
// empty lists and nulls otherwise), sets the fields it is told to, one method
// per field, named after it, and returns a new record from `build()` (lists
// and maps copied: a builder can go on and build others). They
// only assemble records: they check nothing and decide nothing. Whether a
// request is complete, an event's end after its start, a timeout positive…
// is judged by the core when the record is used, with the usual
// `CimiException`.
//
// Every method taking an instant comes twice: `…Ms(long)`, milliseconds since
// the epoch as in the records, and `…(java.time.Instant)`, converted with
// `Instant.toEpochMilli()` (to the millisecond; an instant beyond the range of
// a `long` of milliseconds throws its `ArithmeticException`).
package fr.cimi

import java.time.Duration
import java.time.Instant

/**
 * Builds a [RegistrationRequest]:
 *
 * ```java
 * RegistrationRequest request = new RegistrationRequestBuilder("jean.dupont@interieur.gouv.fr")
 *         .familyName("Dupont").givenName("Jean")
 *         .service("ST(SI)²").grade("capitaine").function("chef de projet")
 *         .acknowledged("deontology", "pssi")
 *         .build();
 * ```
 *
 * It starts from [registrationRequest] (the core's defaults: every other field
 * empty, on site, no obligation acknowledged); the core judges the request when
 * it is registered (an empty name is refused with kind `missing_field`).
 *
 * @param email the sender's address.
 */
class RegistrationRequestBuilder(email: String) {
    private val request: RegistrationRequest = registrationRequest(email)

    /** Sets the nom. */
    fun familyName(familyName: String): RegistrationRequestBuilder = apply { request.familyName = familyName }

    /** Sets the prénom. */
    fun givenName(givenName: String): RegistrationRequestBuilder = apply { request.givenName = givenName }

    /** Sets the service. */
    fun service(service: String): RegistrationRequestBuilder = apply { request.service = service }

    /** Sets the grade. */
    fun grade(grade: String): RegistrationRequestBuilder = apply { request.grade = grade }

    /** Sets the fonction. */
    fun function(function: String): RegistrationRequestBuilder = apply { request.function = function }

    /** Sets the identifiers of the statutes' obligations acknowledged (`deontology`, `pssi`…). */
    fun acknowledged(vararg obligations: String): RegistrationRequestBuilder =
        apply { request.acknowledged = obligations.toList() }

    /** Sets the identifiers of the statutes' obligations acknowledged. */
    fun acknowledged(obligations: Collection<String>): RegistrationRequestBuilder =
        apply { request.acknowledged = obligations.toList() }

    /**
     * Whether the registrant acknowledges every obligation of the statutes in
     * force when the request is judged (the one box of a form), in addition
     * to [acknowledged]. Default `false`.
     */
    fun acknowledgesAll(acknowledgesAll: Boolean): RegistrationRequestBuilder =
        apply { request.acknowledgesAll = acknowledgesAll }

    /** Sets how the registrant wants to attend (default [AttendanceMode.ON_SITE]). */
    fun attendance(attendance: AttendanceMode): RegistrationRequestBuilder =
        apply { request.attendance = attendance }

    /** A new request with the fields set so far (the builder can go on and build others). */
    fun build(): RegistrationRequest = request.copy(acknowledged = request.acknowledged.toList())
}

/**
 * Builds an [EventSpec]:
 *
 * ```java
 * EventSpec spec = new EventSpecBuilder(EventKind.MIDITECH, "L'État plateforme", start, end, 80)
 *         .venue("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux")
 *         .quota("interieur", 20)
 *         .item(ItemKind.TALK, "L'État plateforme", new Speaker("Henri Verdier", "directeur", "DINSIC", false))
 *         .build();
 * ```
 *
 * It starts from [eventSpec] (open at once, no registration window, a waiting
 * list, no quota, no venue, no broadcast, an empty program, the statutes'
 * admission, not moderated, no waitlist offers, self-cancellation until the
 * start); the core checks the spec when it is scheduled (an end not after the
 * start is refused with kind `end_not_after_start`, an address pattern it
 * cannot read or an offer hold out of range with kind `invalid_input`).
 *
 * An event offering freed seats, whose registrants cancel by themselves up to
 * two days before:
 *
 * ```java
 * EventSpec spec = new EventSpecBuilder(EventKind.WORKSHOP, "Rust", start, end, 20)
 *         .waitlistOffer(Duration.ofHours(48)).offerCutoff(Duration.ofDays(1))
 *         .cancellationClosesAt(start.minus(Duration.ofDays(2)))
 *         .build();
 * ```
 */
class EventSpecBuilder private constructor(private val spec: EventSpec) {
    /**
     * An event of [kind] called [title] from [startsAtMs] to [endsAtMs]
     * (milliseconds since the epoch) with [capacity] seats on site.
     */
    constructor(kind: EventKind, title: String, startsAtMs: Long, endsAtMs: Long, capacity: Int) :
        this(eventSpec(kind, title, startsAtMs, endsAtMs, capacity))

    /** An event of [kind] called [title] from [startsAt] to [endsAt] with [capacity] seats on site. */
    constructor(kind: EventKind, title: String, startsAt: Instant, endsAt: Instant, capacity: Int) :
        this(kind, title, startsAt.toEpochMilli(), endsAt.toEpochMilli(), capacity)

    /** Sets the seats on site. */
    fun capacity(capacity: Int): EventSpecBuilder = apply { spec.capacity = capacity }

    /** Sets where the event takes place (`null`: nowhere on site). */
    fun venue(venue: Venue?): EventSpecBuilder = apply { spec.venue = venue }

    /** Sets where the event takes place: a place's name and its postal address. */
    fun venue(name: String, address: String): EventSpecBuilder = venue(Venue(name, address))

    /** Sets the broadcast by video conference (`null`: none). */
    fun remote(remote: RemoteBroadcast?): EventSpecBuilder = apply { spec.remote = remote }

    /** Sets the broadcast by video conference: its link and the remote places (`null`: unlimited). */
    fun remote(url: String, capacity: Int?): EventSpecBuilder = remote(RemoteBroadcast(url, capacity))

    /** Sets one audience's seat quota (inside the capacity), keeping the others. */
    fun quota(audience: String, seats: Int): EventSpecBuilder = apply { spec.quotas = spec.quotas + (audience to seats) }

    /** Sets every seat quota, per audience identifier. */
    fun quotas(quotas: Map<String, Int>): EventSpecBuilder = apply { spec.quotas = quotas.toMap() }

    /** Sets when registration opens, in ms since the epoch (`null`: as soon as the event is open). */
    fun registrationOpensAtMs(opensAtMs: Long?): EventSpecBuilder = apply { spec.registrationOpensAtMs = opensAtMs }

    /** Sets when registration opens (`null`: as soon as the event is open). */
    fun registrationOpensAt(opensAt: Instant?): EventSpecBuilder = registrationOpensAtMs(opensAt?.toEpochMilli())

    /** Sets when registration closes, in ms since the epoch (`null`: when the event starts). */
    fun registrationClosesAtMs(closesAtMs: Long?): EventSpecBuilder =
        apply { spec.registrationClosesAtMs = closesAtMs }

    /** Sets when registration closes (`null`: when the event starts). */
    fun registrationClosesAt(closesAt: Instant?): EventSpecBuilder =
        registrationClosesAtMs(closesAt?.toEpochMilli())

    /** Whether requests wait when the seats are gone (default `true`) rather than being refused. */
    fun waitlist(waitlist: Boolean): EventSpecBuilder = apply { spec.waitlist = waitlist }

    /** Adds an item at the end of the program. */
    fun item(item: ProgramItem): EventSpecBuilder = apply { spec.program = spec.program + item }

    /** Adds an item at the end of the program: what it is, its title, its speakers in order. */
    fun item(kind: ItemKind, title: String, vararg speakers: Speaker): EventSpecBuilder =
        item(ProgramItem(kind, title, speakers.toList()))

    /** Sets the whole program, in order. */
    fun program(program: Collection<ProgramItem>): EventSpecBuilder = apply { spec.program = program.toList() }

    /** Whether the event stays a draft (not open for registration) once scheduled (default `false`). */
    fun draft(draft: Boolean): EventSpecBuilder = apply { spec.draft = draft }

    /**
     * Sets who the event admits, besides or instead of the statutes' policy
     * (default `Admission()`: whoever the statutes admit); see [AdmissionBuilder].
     */
    fun admission(admission: Admission): EventSpecBuilder = apply { spec.admission = admission }

    /**
     * Whether each request waits for an organiser's approval (status
     * `PENDING`, then `Community.approve` or `reject`) before getting a seat
     * or a place in the waiting list (default `false`).
     */
    fun moderated(moderated: Boolean): EventSpecBuilder = apply { spec.moderated = moderated }

    /**
     * Offers freed seats instead of giving them at once: the next in line is
     * offered the seat (status `OFFERED`), held this many milliseconds, and
     * answers with `Community.acceptOffer` or `declineOffer` (`null`, the
     * default: no offers). The core keeps it to the second and accepts one
     * minute to 30 days; offers need the waiting list.
     */
    fun waitlistOfferMs(holdMs: Long?): EventSpecBuilder = apply { spec.waitlistOfferMs = holdMs }

    /** Offers freed seats, each held this long (`Duration.toMillis()`), or none (`null`). */
    fun waitlistOffer(hold: Duration?): EventSpecBuilder = waitlistOfferMs(hold?.toMillis())

    /**
     * With offers: no offer runs past this many milliseconds before the
     * start; after that a freed seat is given at once (`null`, the default:
     * offers may run until the start). Without offers the core's spec is
     * refused (`invalid_input`, field `offer_cutoff_ms`).
     */
    fun offerCutoffMs(cutoffMs: Long?): EventSpecBuilder = apply { spec.offerCutoffMs = cutoffMs }

    /** With offers: no offer runs past this long before the start (`null`: until the start). */
    fun offerCutoff(cutoff: Duration?): EventSpecBuilder = offerCutoffMs(cutoff?.toMillis())

    /**
     * Sets until when registrants may cancel by themselves with their
     * cancellation token (`Community.cancelByToken`), in ms since the epoch
     * (`null`, the default: until the start). Organisers still may after it.
     */
    fun cancellationClosesAtMs(closesAtMs: Long?): EventSpecBuilder =
        apply { spec.cancellationClosesAtMs = closesAtMs }

    /** Sets until when registrants may cancel by themselves (`null`: until the start). */
    fun cancellationClosesAt(closesAt: Instant?): EventSpecBuilder =
        cancellationClosesAtMs(closesAt?.toEpochMilli())

    /** A new spec with the fields set so far. */
    fun build(): EventSpec = spec.copy(
        quotas = spec.quotas.toMap(),
        program = spec.program.toList(),
        admission = spec.admission.copy(
            allowed = spec.admission.allowed.toList(),
            audiences = spec.admission.audiences.toList(),
        ),
    )
}

/**
 * Builds the [Admission] of an event (`EventSpecBuilder.admission`,
 * `Community.setAdmission`):
 *
 * ```java
 * Admission townsOnly = new AdmissionBuilder()
 *         .allowed("*@paris.fr", "*@lyon.fr").replacesPolicy(true)
 *         .build();
 * Admission homeMinistry = new AdmissionBuilder().audiences("interieur").build();
 * ```
 *
 * It starts from `Admission()`: no pattern, no audience, narrowing (not
 * replacing) the statutes' policy, which admits whoever the statutes admit.
 * The patterns are text; the core reads them when the admission is used (one
 * it cannot read is `invalid_input` with field `admission.allowed`), and
 * refuses an audience its statutes do not know.
 */
class AdmissionBuilder {
    private val admission = Admission()

    /** Sets the event's own allowed address patterns (`*@*.interieur.gouv.fr`, `*@paris.fr`, one mailbox, `*@*`). */
    fun allowed(vararg patterns: String): AdmissionBuilder = apply { admission.allowed = patterns.toList() }

    /** Sets the event's own allowed address patterns. */
    fun allowed(patterns: Collection<String>): AdmissionBuilder = apply { admission.allowed = patterns.toList() }

    /** Sets the audiences admitted (identifiers of the statutes' audiences: `interieur`…). */
    fun audiences(vararg audiences: String): AdmissionBuilder = apply { admission.audiences = audiences.toList() }

    /** Sets the audiences admitted. */
    fun audiences(audiences: Collection<String>): AdmissionBuilder =
        apply { admission.audiences = audiences.toList() }

    /**
     * Whether the allowed patterns replace the statutes' policy (default
     * `false`: they narrow it, the statutes and the event must both allow the
     * address).
     */
    fun replacesPolicy(replacesPolicy: Boolean): AdmissionBuilder =
        apply { admission.replacesPolicy = replacesPolicy }

    /** A new admission with the fields set so far. */
    fun build(): Admission = admission.copy(
        allowed = admission.allowed.toList(),
        audiences = admission.audiences.toList(),
    )
}

/**
 * Builds the [IcalOptions] of `Community.eventIcalWith`, `calendarIcalWith`
 * and `invitationIcalWith`:
 *
 * ```java
 * String ics = cimi.eventIcalWith(event,
 *         new IcalOptionsBuilder().reminder(Duration.ofMinutes(30)).build(), nowMs);
 * ```
 *
 * It starts from `IcalOptions()`: no reminder (the documents of `eventIcal`,
 * `calendarIcal` and `invitationIcal`).
 */
class IcalOptionsBuilder {
    private val options = IcalOptions()

    /** Sets a reminder this many milliseconds before the start (`null`: none). */
    fun reminderMs(reminderMs: Long?): IcalOptionsBuilder = apply { options.reminderMs = reminderMs }

    /**
     * Sets a reminder this long before the start (`Duration.toMillis()`: to
     * the millisecond; the core writes it to the second), or none (`null`).
     */
    fun reminder(reminder: Duration?): IcalOptionsBuilder = reminderMs(reminder?.toMillis())

    /** New options with the fields set so far. */
    fun build(): IcalOptions = options.copy()
}

/**
 * Builds a [MemberProfile] for `Community.addMember`:
 *
 * ```java
 * MemberProfile profile = new MemberProfileBuilder("Meslier", "Isabelle")
 *         .service("ST(SI)²").grade("capitaine").function("cheffe de projet")
 *         .affiliation("Intérieur", "DGGN").skills("postgresql")
 *         .build();
 * ```
 *
 * Every field not set is empty (`corps`: `null`).
 *
 * @param familyName the nom.
 * @param givenName the prénom.
 */
class MemberProfileBuilder(familyName: String, givenName: String) {
    private val profile = MemberProfile(familyName, givenName, "", "", "", null, listOf(), listOf(), listOf())

    /** Sets the declared service. */
    fun service(service: String): MemberProfileBuilder = apply { profile.service = service }

    /** Sets the grade. */
    fun grade(grade: String): MemberProfileBuilder = apply { profile.grade = grade }

    /** Sets the fonction. */
    fun function(function: String): MemberProfileBuilder = apply { profile.function = function }

    /** Sets the corps or filière (`null`: none). */
    fun corps(corps: String?): MemberProfileBuilder = apply { profile.corps = corps }

    /** Sets the place in the administration, outermost first (Intérieur, DGGN, ST(SI)²). */
    fun affiliation(vararg places: String): MemberProfileBuilder = apply { profile.affiliation = places.toList() }

    /** Sets the place in the administration, outermost first. */
    fun affiliation(places: Collection<String>): MemberProfileBuilder = apply { profile.affiliation = places.toList() }

    /** Sets the skills (compétences). */
    fun skills(vararg skills: String): MemberProfileBuilder = apply { profile.skills = skills.toList() }

    /** Sets the skills (compétences). */
    fun skills(skills: Collection<String>): MemberProfileBuilder = apply { profile.skills = skills.toList() }

    /** Sets the interests. */
    fun interests(vararg interests: String): MemberProfileBuilder = apply { profile.interests = interests.toList() }

    /** Sets the interests. */
    fun interests(interests: Collection<String>): MemberProfileBuilder =
        apply { profile.interests = interests.toList() }

    /** A new profile with the fields set so far. */
    fun build(): MemberProfile = profile.copy(
        affiliation = profile.affiliation.toList(),
        skills = profile.skills.toList(),
        interests = profile.interests.toList(),
    )
}

/**
 * Builds a [ProfileUpdate] for `Community.updateProfile`: every field set
 * replaces the member's, every field left alone keeps it (the core's rule).
 *
 * ```java
 * community.updateProfile(id, new ProfileUpdateBuilder().grade("commandant").build(), atMs);
 * ```
 */
class ProfileUpdateBuilder {
    private val update = ProfileUpdate()

    /** Replaces the nom. */
    fun familyName(familyName: String): ProfileUpdateBuilder = apply { update.familyName = familyName }

    /** Replaces the prénom. */
    fun givenName(givenName: String): ProfileUpdateBuilder = apply { update.givenName = givenName }

    /** Replaces the declared service. */
    fun service(service: String): ProfileUpdateBuilder = apply { update.service = service }

    /** Replaces the grade. */
    fun grade(grade: String): ProfileUpdateBuilder = apply { update.grade = grade }

    /** Replaces the fonction. */
    fun function(function: String): ProfileUpdateBuilder = apply { update.function = function }

    /** Replaces the corps or filière (an empty text clears it). */
    fun corps(corps: String): ProfileUpdateBuilder = apply { update.corps = corps }

    /** Replaces the place in the administration, outermost first. */
    fun affiliation(vararg places: String): ProfileUpdateBuilder = apply { update.affiliation = places.toList() }

    /** Replaces the place in the administration, outermost first. */
    fun affiliation(places: Collection<String>): ProfileUpdateBuilder = apply { update.affiliation = places.toList() }

    /** Replaces the skills (none given: no skill left). */
    fun skills(vararg skills: String): ProfileUpdateBuilder = apply { update.skills = skills.toList() }

    /** Replaces the skills. */
    fun skills(skills: Collection<String>): ProfileUpdateBuilder = apply { update.skills = skills.toList() }

    /** Replaces the interests (none given: no interest left). */
    fun interests(vararg interests: String): ProfileUpdateBuilder = apply { update.interests = interests.toList() }

    /** Replaces the interests. */
    fun interests(interests: Collection<String>): ProfileUpdateBuilder =
        apply { update.interests = interests.toList() }

    /** A new update with the fields set so far. */
    fun build(): ProfileUpdate = update.copy(
        affiliation = update.affiliation?.toList(),
        skills = update.skills?.toList(),
        interests = update.interests?.toList(),
    )
}

/**
 * Builds the [StoreOptions] of `Community.openWith`:
 *
 * ```java
 * StoreOptions options = new StoreOptionsBuilder()
 *         .actor("inscriptions-web").schema("cimi_test").lockTimeout(Duration.ofSeconds(30))
 *         .build();
 * ```
 *
 * It starts from [storeOptions] (for writing, durable, the CIMI preset for a
 * new store, actor `cimi-ffi`, schema `cimi`, community `default`, a lock
 * timeout of 10 s); the store checks them when it opens.
 */
class StoreOptionsBuilder {
    private val options: StoreOptions = storeOptions()

    /** Sets the statutes of a new store as JSON (`null`: the CIMI preset). */
    fun statutesJson(statutesJson: String?): StoreOptionsBuilder = apply { options.statutesJson = statutesJson }

    /** Sets who acts in the audit history. */
    fun actor(actor: String): StoreOptionsBuilder = apply { options.actor = actor }

    /** Whether to open read-only, to follow the writers (`refresh()`). */
    fun readOnly(readOnly: Boolean): StoreOptionsBuilder = apply { options.readOnly = readOnly }

    /** Whether every operation is synced to disk before it returns (file store; default `true`). */
    fun durable(durable: Boolean): StoreOptionsBuilder = apply { options.durable = durable }

    /** PostgreSQL: sets the schema holding the store's tables. */
    fun schema(schema: String): StoreOptionsBuilder = apply { options.schema = schema }

    /** PostgreSQL: sets the community's name inside the schema. */
    fun community(community: String): StoreOptionsBuilder = apply { options.community = community }

    /** PostgreSQL: how long a writer waits for the community's lock, in milliseconds. */
    fun lockTimeoutMs(lockTimeoutMs: Long): StoreOptionsBuilder = apply { options.lockTimeoutMs = lockTimeoutMs }

    /**
     * PostgreSQL: how long a writer waits for the community's lock
     * (`Duration.toMillis()`: to the millisecond).
     */
    fun lockTimeout(lockTimeout: Duration): StoreOptionsBuilder = lockTimeoutMs(lockTimeout.toMillis())

    /** New options with the fields set so far. */
    fun build(): StoreOptions = options.copy()
}

/**
 * Builds a [NewWatchItem] for `Community.shareWatchItem`:
 *
 * ```java
 * NewWatchItem item = new NewWatchItemBuilder("PostgreSQL 10", "https://www.postgresql.org/",
 *                 WatchScope.EXTERNAL, "alice@interieur.gouv.fr")
 *         .summary("Réplication logique").tags("postgresql").eventId(event)
 *         .build();
 * ```
 *
 * Every field not set is empty (the related event and help request: `null`).
 *
 * @param title the title.
 * @param link the link.
 * @param scope internal or external.
 * @param sharedBy the address of the member who shares it.
 */
class NewWatchItemBuilder(title: String, link: String, scope: WatchScope, sharedBy: String) {
    private val item = NewWatchItem(title, link, "", listOf(), scope, sharedBy, null, null)

    /** Sets the summary (may span lines). */
    fun summary(summary: String): NewWatchItemBuilder = apply { item.summary = summary }

    /** Sets the tags. */
    fun tags(vararg tags: String): NewWatchItemBuilder = apply { item.tags = tags.toList() }

    /** Sets the tags. */
    fun tags(tags: Collection<String>): NewWatchItemBuilder = apply { item.tags = tags.toList() }

    /** Sets the related event (`null`: none). */
    fun eventId(eventId: Long?): NewWatchItemBuilder = apply { item.eventId = eventId }

    /** Sets the related help request (`null`: none). */
    fun helpRequestId(helpRequestId: Long?): NewWatchItemBuilder = apply { item.helpRequestId = helpRequestId }

    /** A new item with the fields set so far. */
    fun build(): NewWatchItem = item.copy(tags = item.tags.toList())
}
