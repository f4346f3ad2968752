package fr.cimi

const val HOUR: Long = 3_600_000L
const val DAY: Long = 24 * HOUR

/** A complete request from [email], acknowledging the CIMI obligations. */
fun ask(
    email: String,
    mode: AttendanceMode = AttendanceMode.ON_SITE,
    family: String = "Martin",
    given: String = "Alice",
): RegistrationRequest = RegistrationRequest(
    email = email,
    familyName = family,
    givenName = given,
    service = "DNUM",
    grade = "ingénieure des SIC",
    function = "architecte",
    acknowledged = listOf("deontology", "pssi"),
    attendance = mode,
)

/** The instant every test starts from: 20 November 2017, 10:00 in Paris. */
val T0: Long = parisInstantMs(2017, 11, 20, 10, 0)

/** "L'État plateforme", 12 December 2017, 12:30–14:30 Paris, at the DGGN. */
fun etatPlateforme(capacity: Int = 80): EventSpec =
    eventSpec(
        EventKind.MIDITECH,
        "L'État plateforme",
        parisInstantMs(2017, 12, 12, 12, 30),
        parisInstantMs(2017, 12, 12, 14, 30),
        capacity,
    ).apply {
        venue = Venue("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux")
    }
