package fr.cimi

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.lang.reflect.InvocationTargetException
import java.lang.reflect.Method
import java.lang.reflect.Modifier
import java.lang.reflect.ParameterizedType
import java.lang.reflect.Type
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/**
 * Every public function, constructor and method of the generated API, called
 * through Java reflection (as a Java program sees it) with hostile arguments:
 * nulls (where Java can pass them), empty, huge (10 MiB) and malformed
 * strings (NUL, control and bidi characters, lone surrogates), invalid and
 * huge byte arrays, negative, zero and extreme identifiers, counts and
 * instants, empty, null-holding and huge lists and maps, and records holding
 * any of those.
 *
 * The API is found by reflection, so a function or method added to the
 * library is swept without editing this test: the list of what to call is
 * read from the checksums uniffi generates for every exported item
 * (`IntegrityCheckingUniffiLib`), and the test fails if one of them is not
 * found or if a parameter has a type it cannot fill. Only the `probe*` items
 * (test probes whose job is to panic) are left out.
 *
 * Each argument is varied one at a time from a plausible baseline (valid
 * identifiers of a fresh community holding an event, a registration, a
 * member, a help request and a watch item, a moderated event with a
 * pending registration for `approve` and `reject`, an event offering freed
 * seats with an offered registration for `acceptOffer` and `declineOffer`,
 * the registration's cancellation token for `cancelByToken`, and an instant
 * inside the check-in window for `checkIn`), so the calls reach past the
 * first check. Every call must either succeed, after which the community
 * still holds its invariants, or throw a [CimiException] other than
 * `Internal` (a panic or a poisoned lock would be `Internal`); a
 * `NullPointerException` is accepted only from Kotlin's null checks when a
 * null was passed, and an `IllegalArgumentException` only for a lone
 * surrogate (a string Java holds that is not UTF-16, refused before the
 * call). A crash of the JVM fails the Maven build.
 */
class HostileInputTest {
    /** One argument: how to make it from the fixture, how to show it, what it carries. */
    private class Arg(
        val label: String,
        val hasNull: Boolean,
        val badUtf16: Boolean,
        val huge: Boolean = false,
        val make: (Fixture) -> Any?,
    )

    private fun fixed(label: String, value: Any?, badUtf16: Boolean = false, huge: Boolean = false) =
        Arg(label, value == null, badUtf16, huge) { value }

    /**
     * A fresh community holding one of each record a call can name: in memory,
     * or durable in [directory].
     */
    private class Fixture(directory: Path? = null) : AutoCloseable {
        val durable = directory != null
        val c = if (directory == null) Community.cimi() else Community.open(directory.toString(), null, "hostile-test")
        val event: Long = c.scheduleEvent(
            etatPlateforme(capacity = 10).apply { remote = RemoteBroadcast("https://visio.example/cimi", 5) },
            T0,
        )
        val registration: Long = c.register(event, ask("alice@interieur.gouv.fr"), T0)
        val member: Long = c.registration(registration)!!.memberId
        val help: Long = c.askHelp(
            "alice@interieur.gouv.fr", "PostgreSQL", "Réplication logique ?",
            listOf("postgresql"), HelpVisibility.PUBLIC, T0,
        )
        val watch: Long = c.shareWatchItem(
            NewWatchItem(
                "PostgreSQL 10", "https://www.postgresql.org/", "Réplication logique",
                listOf("postgresql"), WatchScope.EXTERNAL, "alice@interieur.gouv.fr", event, null,
            ),
            T0,
        )

        /** A request waiting for approval, in a moderated event: what `approve` and `reject` take. */
        val pending: Long = c.register(
            c.scheduleEvent(etatPlateforme(capacity = 10).apply { moderated = true }, T0),
            ask("bob@interieur.gouv.fr"),
            T0,
        )

        /** A registration offered a freed seat (an event with offers): what `acceptOffer` and `declineOffer` take. */
        val offered: Long = run {
            val offering = c.scheduleEvent(etatPlateforme(capacity = 1).apply { waitlistOfferMs = 2 * DAY }, T0)
            val first = c.register(offering, ask("carol@interieur.gouv.fr"), T0)
            val next = c.register(offering, ask("dan@interieur.gouv.fr"), T0)
            c.cancelRegistration(first, T0)
            next
        }

        /** The cancellation token of [registration], for `cancelByToken`. */
        val token: String = c.cancelToken(registration)!!

        override fun close() = c.close()
    }

    // ----- what is called --------------------------------------------------------

    /** A function, constructor or method of the API. */
    private class Callable(val label: String, val method: Method, val onCommunity: Boolean)

    private fun snakeToCamel(s: String) = s.split('_').mapIndexed { i, w ->
        if (i == 0) w else w.replaceFirstChar { it.uppercase() }
    }.joinToString("")

    /** The API as uniffi exported it, found by reflection on the generated classes. */
    private fun api(): List<Callable> {
        val prefix = "uniffi_cimi_ffi_checksum_"
        val exported = Class.forName("fr.cimi.IntegrityCheckingUniffiLib").declaredMethods
            .map { it.name }.filter { it.startsWith(prefix) }.map { it.removePrefix(prefix) }.sorted()
        assertTrue(exported.size > 50, "uniffi checksums not found: $exported")
        val facade = Class.forName("fr.cimi.Cimi")
        val out = ArrayList<Callable>()
        for (item in exported) {
            val parts = item.split('_')
            val (kind, owner, name) = when (parts[0]) {
                "func" -> Triple("func", "", parts.drop(1).joinToString("_"))
                else -> Triple(parts[0], parts[1], parts.drop(2).joinToString("_"))
            }
            if (name.startsWith("probe_")) continue
            val camel = snakeToCamel(name)
            val ownerClass = if (owner.isEmpty()) null else Class.forName("fr.cimi." + snakeToCamel(owner).replaceFirstChar { it.uppercase() })
            val candidates = when (kind) {
                "func" -> facade.methods.filter { it.name == camel && Modifier.isStatic(it.modifiers) }
                "constructor" -> ownerClass!!.methods.filter {
                    it.name == camel && Modifier.isStatic(it.modifiers) && it.returnType == ownerClass
                }
                "method" -> Class.forName(ownerClass!!.name + "Interface").methods.filter { it.name == camel }
                else -> error("unknown uniffi checksum kind in $item")
            }
            assertEquals(1, candidates.size, "exported $item: expected one Java method $camel, found $candidates")
            require(ownerClass == null || ownerClass == Community::class.java) {
                "a new object type ${ownerClass!!.name}: give HostileInputTest a fixture for it"
            }
            val label = when (kind) {
                "func" -> "Cimi.$camel"
                "constructor" -> "${ownerClass!!.simpleName}.$camel"
                else -> "${ownerClass!!.simpleName}#$camel"
            }
            out += Callable(label, candidates.single(), kind == "method")
        }
        return out
    }

    // ----- what is passed --------------------------------------------------------

    private lateinit var tmp: Path
    private val hugeString = "a".repeat(10 shl 20)
    private val bigString = "a".repeat(1 shl 20)
    private val files = AtomicInteger()
    private val hugeBytes = Random(42).nextBytes(10 shl 20)
    private lateinit var communityJson: String
    private lateinit var communityFile: String
    private lateinit var statutesFile: String
    private lateinit var changeJson: String
    private lateinit var directoryCsv: ByteArray

    private val registrationEmail = (
        "From: Jean Dupont <jean.dupont@interieur.gouv.fr>\r\n" +
            "Subject: Inscription au miditech L'Etat plateforme\r\n\r\n" +
            "Nom : Dupont\r\nPrenom : Jean\r\nService : DNUM\r\nGrade : attaché\r\n" +
            "Fonction : chef de projet\r\nEngagements : oui\r\n"
        ).toByteArray()

    private fun prepare(dir: Path) {
        tmp = dir
        Fixture().use { f ->
            communityJson = f.c.toJson()
            communityFile = dir.resolve("community.json").toString()
            f.c.save(communityFile)
            directoryCsv = f.c.directoryCsv(CsvOptions(CsvDialect.FRENCH_OFFICE, Lang.FR, true), T0).toByteArray()
        }
        statutesFile = dir.resolve("statutes.json").toString()
        Files.writeString(dir.resolve("statutes.json"), cimiStatutesJson())
        Community.cimi().use { c ->
            c.setRecording(true)
            c.scheduleEvent(etatPlateforme(), T0)
            changeJson = c.drainChangesJson().first()
        }
    }

    private fun freshPath(what: String) = tmp.resolve("$what-${files.incrementAndGet()}").toString()

    private fun isPath(name: String) = name == "path" || name == "directory" || name == "location"

    /** A plausible value, by the parameter's name (and the function's). */
    private fun baselineString(name: String, function: String): Arg = when {
        name.endsWith("mail", ignoreCase = true) -> fixed("email", "alice@interieur.gouv.fr")
        name == "json" && function == "fromJson" -> Arg("community JSON", false, false) { communityJson }
        name == "json" && function == "applyChangeJson" -> Arg("change JSON", false, false) { changeJson }
        name == "json" || name == "statutesJson" -> Arg("statutes JSON", false, false) { cimiStatutesJson() }
        name == "path" && function == "load" -> Arg("saved community", false, false) { communityFile }
        name == "path" && function == "fromStatutesFile" -> Arg("statutes file", false, false) { statutesFile }
        isPath(name) -> Arg("fresh path", false, false) { freshPath(name) }
        name == "channel" -> fixed("forum", "forum")
        name == "audience" || name == "audiences" -> fixed("interieur", "interieur")
        name == "allowed" -> fixed("pattern", "*@*.gouv.fr")
        name == "reason" -> fixed("reason", "Atelier complet")
        name == "token" -> Arg("cancel token", false, false) { it.token }
        name == "actor" -> fixed("actor", "inscriptions-web")
        name == "link" || name == "url" -> fixed("url", "https://www.example.org/")
        name == "text" && function == "instantFromRfc3339" -> fixed("rfc3339", "2017-12-12T11:30:00Z")
        name in setOf("skills", "tags", "interests", "skill") -> fixed("postgresql", "postgresql")
        else -> fixed("text", "L'État plateforme")
    }

    /**
     * Hostile strings: label, value, whether it is invalid UTF-16. A
     * parameter gets 10 MiB; a string inside a record, list or map 1 MiB
     * (already far beyond every limit, and the sweep stays short).
     */
    private fun rawStrings(depth: Int) = listOf(
        Triple("\"\"", "", false),
        Triple("NUL", "\u0000", false),
        Triple("controls", "\u0001\u0008\u001b[2J\u007f\r\n\t", false),
        Triple("bidi override", "\u202Egnp.exe", false),
        Triple("lone surrogate", "\uD800", true),
        Triple("reversed surrogates", "\uDC00\uD800", true),
        Triple("$HUGE 100k emoji", "\uD83D\uDE00".repeat(100_000), false),
        if (depth == 0) Triple("$HUGE 10 MiB", hugeString, false) else Triple("$HUGE 1 MiB", bigString, false),
    )

    private fun hostileStrings(name: String, function: String, depth: Int): List<Arg> {
        // Paths stay inside the test's directory (an empty one is refused).
        if (isPath(name)) {
            return listOf(fixed("null", null)) + rawStrings(depth).map { (label, value, bad) ->
                if (value.isEmpty()) fixed(label, value)
                else Arg("tmp/x+$label", false, bad, HUGE in label) { tmp.resolve("x").toString() + value }
            }
        }
        val base = baselineString(name, function)
        return listOf(fixed("null", null)) +
            rawStrings(depth).map { (label, value, bad) -> fixed(label, value, bad, HUGE in label) } +
            listOf(
                Arg("${base.label}+NUL", false, false) { base.make(it) as String + "\u0000" },
                Arg("${base.label}+lone surrogate", false, true) { base.make(it) as String + "\uD800" },
                Arg("padded upper-case ${base.label}", false, false) { " " + (base.make(it) as String).uppercase() + " " },
            )
    }

    private fun baselineLong(name: String, function: String, f: Fixture?): Long = when (name) {
        "eventId" -> f!!.event
        "registrationId" -> when (function) {
            "approve", "reject" -> f!!.pending
            "acceptOffer", "declineOffer" -> f!!.offered
            else -> f!!.registration
        }
        // Check-in is open from a day before the start to a day after the end.
        "atMs" -> if (function == "checkIn") parisInstantMs(2017, 12, 12, 12, 30) else T0
        "memberId", "excludeMemberId" -> f!!.member
        "helpRequestId" -> f!!.help
        "watchItemId" -> f!!.watch
        "startsAtMs" -> parisInstantMs(2017, 12, 12, 12, 30)
        "endsAtMs" -> parisInstantMs(2017, 12, 12, 14, 30)
        "fromMs" -> T0 - 30 * DAY
        "toMs" -> T0 + 30 * DAY
        "reminderMs" -> 30 * 60_000L
        else -> if (name.endsWith("Ms")) T0 else 1L
    }

    private val hostileLongs = listOf(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L shl 53, 999_999_999L)
    private val hostileInts = listOf(0, -1, Int.MIN_VALUE, Int.MAX_VALUE, 1_000_000)

    private fun baselineInt(name: String): Int = when (name) {
        "capacity" -> 10
        "k" -> 3
        "quota" -> 2
        "year" -> 2017
        "month", "day", "hour" -> 12
        "minute" -> 30
        else -> 1
    }

    private val hostileBytes = listOf(
        fixed("null", null),
        fixed("[]", ByteArray(0)),
        fixed("invalid UTF-8", byteArrayOf(0xff.toByte(), 0xfe.toByte(), 0, 0xc0.toByte(), 0x80.toByte())),
        fixed("$HUGE 1 MiB of NUL", ByteArray(1 shl 20), huge = true),
        fixed("$HUGE 10 MiB random", hugeBytes, huge = true),
    )

    /** Record values that pass the library's checks, to vary one field at a time from. */
    private fun baselineRecord(type: Class<*>): Any? = when (type) {
        EventSpec::class.java -> etatPlateforme(capacity = 10).apply {
            remote = RemoteBroadcast("https://visio.example/cimi", 5)
            quotas = mapOf("interieur" to 6)
            program = listOf(ProgramItem(ItemKind.TALK, "L'État plateforme", listOf(speaker())))
        }
        RegistrationRequest::class.java -> ask("bob@interieur.gouv.fr")
        MemberProfile::class.java -> MemberProfile(
            "Martin", "Alice", "DNUM", "ingénieure", "architecte", "ingénieurs des SIC",
            listOf("Intérieur"), listOf("PostgreSQL"), listOf("veille"),
        )
        ProfileUpdate::class.java -> ProfileUpdate(grade = "commandant", skills = listOf("PostgreSQL"))
        NewWatchItem::class.java -> NewWatchItem(
            "PostgreSQL 10", "https://www.postgresql.org/", "Réplication logique",
            listOf("postgresql"), WatchScope.EXTERNAL, "alice@interieur.gouv.fr", null, null,
        )
        CsvOptions::class.java -> CsvOptions(CsvDialect.FRENCH_OFFICE, Lang.FR, true)
        MailPolicy::class.java -> MailPolicy(false, "")
        Resource::class.java -> Resource(ResourceKind.SLIDES, "Support", "https://www.example.org/support.pdf")
        ProgramItem::class.java -> ProgramItem(ItemKind.TALK, "L'État plateforme", listOf(speaker()))
        Speaker::class.java -> speaker()
        Venue::class.java -> Venue("DGGN", "4 rue Claude Bernard, 92130 Issy-les-Moulineaux")
        RemoteBroadcast::class.java -> RemoteBroadcast("https://visio.example/cimi", 5)
        Admission::class.java -> Admission(listOf("*@*.gouv.fr"), listOf("interieur"), false)
        IcalOptions::class.java -> IcalOptions(30 * 60_000L)
        else -> null
    }

    private fun speaker() = Speaker("Henri Verdier", "directeur", "DINSIC", true)

    private fun isRecord(c: Class<*>) = c.name.startsWith("fr.cimi.") && !c.isEnum && !c.isInterface &&
        c.methods.any { it.name == "component1" }

    private fun recordConstructor(c: Class<*>) = c.constructors.filter { !it.isSynthetic }
        .maxByOrNull { it.parameterCount } ?: error("no constructor for record $c")

    private fun elementType(t: Type, i: Int) = (t as ParameterizedType).actualTypeArguments[i]

    private fun raw(t: Type): Class<*> = when (t) {
        is Class<*> -> t
        is ParameterizedType -> t.rawType as Class<*>
        else -> (t as? java.lang.reflect.WildcardType)?.upperBounds?.firstOrNull()?.let { raw(it) }
            ?: error("unsupported type $t")
    }

    private fun unwild(t: Type): Type =
        (t as? java.lang.reflect.WildcardType)?.upperBounds?.firstOrNull() ?: t

    /** The baseline argument for a parameter of type [t] named [name]. */
    private fun baseline(t0: Type, name: String, function: String): Arg {
        val t = unwild(t0)
        val c = raw(t)
        return when {
            c == java.lang.Long.TYPE || c == java.lang.Long::class.java ->
                Arg(name, false, false) { baselineLong(name, function, it) }
            c == Integer.TYPE || c == Integer::class.java -> fixed("${baselineInt(name)}", baselineInt(name))
            c == java.lang.Boolean.TYPE || c == java.lang.Boolean::class.java -> fixed("true", true)
            c == java.lang.Double.TYPE || c == java.lang.Double::class.java -> fixed("1.0", 1.0)
            c == String::class.java -> baselineString(name, function)
            c == ByteArray::class.java -> when (name) {
                "raw" -> fixed("registration e-mail", registrationEmail)
                else -> Arg("directory CSV", false, false) { directoryCsv }
            }
            c.isEnum -> c.enumConstants.first().let { fixed("$it", it) }
            List::class.java.isAssignableFrom(c) -> {
                val e = when (name) {
                    "acknowledged" -> return fixed("[deontology, pssi]", listOf("deontology", "pssi"))
                    "eventIds" -> "eventId"
                    "memberIds" -> "memberId"
                    else -> name
                }
                val el = baseline(elementType(t, 0), e, function)
                Arg("[${el.label}]", el.hasNull, el.badUtf16) { listOf(el.make(it)) }
            }
            Map::class.java.isAssignableFrom(c) -> {
                val k = baseline(elementType(t, 0), "audience", function)
                val v = baseline(elementType(t, 1), "quota", function)
                Arg("{${k.label}=${v.label}}", false, false) { mapOf(k.make(it) to v.make(it)) }
            }
            c == Community::class.java -> Arg("community", false, false) { it.c }
            isRecord(c) -> {
                val known = baselineRecord(c)
                if (known != null) {
                    fixed(c.simpleName, known)
                } else {
                    val ctor = recordConstructor(c)
                    val fields = ctor.parameters.map { baseline(it.parameterizedType, it.name, function) }
                    Arg(c.simpleName, false, false) { f -> ctor.newInstance(*fields.map { it.make(f) }.toTypedArray()) }
                }
            }
            else -> error("HostileInputTest has no values for $t (parameter $name of $function): teach it")
        }
    }

    /** The hostile arguments for a parameter (the baseline excluded). */
    private fun hostile(t0: Type, name: String, function: String, depth: Int): List<Arg> {
        val t = unwild(t0)
        val c = raw(t)
        val nullable = listOf(fixed("null", null)).filter { !c.isPrimitive }
        return when {
            c == java.lang.Long.TYPE || c == java.lang.Long::class.java ->
                nullable + hostileLongs.map { fixed("$it", it) }
            c == Integer.TYPE || c == Integer::class.java -> nullable + hostileInts.map { fixed("$it", it) }
            c == java.lang.Boolean.TYPE || c == java.lang.Boolean::class.java -> nullable + fixed("false", false)
            c == java.lang.Double.TYPE || c == java.lang.Double::class.java ->
                nullable + listOf(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MAX_VALUE)
                    .map { fixed("$it", it) }
            c == String::class.java -> hostileStrings(name, function, depth)
            c == ByteArray::class.java -> {
                val base = baseline(t, name, function)
                hostileBytes + listOf(
                    Arg("${base.label}+NUL+0xff", false, false) { (base.make(it) as ByteArray) + byteArrayOf(0, -1) },
                    Arg("half of ${base.label}", false, false) { f ->
                        (base.make(f) as ByteArray).let { it.copyOf(it.size / 2 + 1) }
                    },
                )
            }
            c.isEnum -> nullable + c.enumConstants.drop(1).map { fixed("$it", it) }
            List::class.java.isAssignableFrom(c) -> {
                val elType = elementType(t, 0)
                val base = baseline(t, name, function)
                val big = 10_000
                val elements = if (depth <= 2) {
                    val e = when (name) {
                        "eventIds" -> "eventId"
                        "memberIds" -> "memberId"
                        else -> name
                    }
                    hostile(elType, e, function, depth + 1).map { el ->
                        Arg("[${el.label}]", el.hasNull, el.badUtf16, el.huge) { f -> java.util.Arrays.asList(el.make(f)) }
                    }
                } else {
                    emptyList()
                }
                listOf(
                    fixed("null", null),
                    fixed("[]", emptyList<Any>()),
                    Arg("$HUGE $big x ${base.label}", false, false, true) { f ->
                        val one = (base.make(f) as List<*>).first()
                        List(big) { one }
                    },
                ) + elements
            }
            Map::class.java.isAssignableFrom(c) -> {
                val k = baseline(elementType(t, 0), "audience", function)
                val v = baseline(elementType(t, 1), "quota", function)
                val keys = hostile(elementType(t, 0), "audience", function, depth + 1)
                val values = hostile(elementType(t, 1), "quota", function, depth + 1)
                listOf(
                    fixed("null", null),
                    fixed("{}", emptyMap<Any, Any>()),
                    Arg("$HUGE 10000 entries", false, false, true) { f ->
                        (0 until 10_000).associate { i -> "${k.make(f)}$i" to v.make(f) }
                    },
                ) + keys.map { key ->
                    Arg("{${key.label}=${v.label}}", key.hasNull, key.badUtf16, key.huge) { f -> hashMapOf(key.make(f) to v.make(f)) }
                } + values.map { value ->
                    Arg("{${k.label}=${value.label}}", value.hasNull, value.badUtf16, value.huge) { f -> hashMapOf(k.make(f) to value.make(f)) }
                }
            }
            c == Community::class.java -> listOf(fixed("null", null))
            isRecord(c) -> {
                val ctor = recordConstructor(c)
                val base = baseline(t, name, function)
                val params = ctor.parameters
                val fieldVariants = if (depth <= 2) {
                    params.indices.flatMap { i ->
                        hostile(params[i].parameterizedType, params[i].name, function, depth + 1).map { v ->
                            Arg("${c.simpleName}(${params[i].name}=${v.label})", v.hasNull, v.badUtf16, v.huge) { f ->
                                val b = base.make(f)!!
                                val args = params.indices.map { j ->
                                    if (j == i) v.make(f) else c.getMethod("component${j + 1}").invoke(b)
                                }
                                ctor.newInstance(*args.toTypedArray())
                            }
                        }
                    }
                } else {
                    emptyList()
                }
                listOf(fixed("null", null)) + fieldVariants
            }
            else -> error("HostileInputTest has no values for $t (parameter $name of $function): teach it")
        }
    }

    // ----- calling and judging ---------------------------------------------------

    private class Tally {
        var calls = 0
        var durableCalls = 0
        var succeeded = 0
        var nullRefused = 0
        var utf16Refused = 0
        var notBuilt = 0
        val byFamily = sortedMapOf<String, Int>()
        val failures = ArrayList<String>()
        var slowest = 0L
        var slowestCall = ""
    }

    private fun judge(t: Tally, what: String, args: List<Arg>, e: Throwable) {
        val hasNull = args.any { it.hasNull }
        val badUtf16 = args.any { it.badUtf16 }
        when {
            e is CimiException.Internal -> t.failures += "$what: Internal ${e.kind}: ${e.detail}"
            e is CimiException -> t.byFamily.merge(e.javaClass.simpleName, 1, Int::plus)
            e is NullPointerException && hasNull -> t.nullRefused++
            e is IllegalArgumentException && badUtf16 && "UTF-16" in (e.message ?: "") -> t.utf16Refused++
            else -> t.failures += "$what: ${e.javaClass.name}: ${e.message?.take(200)}"
        }
    }

    /** Calls [api] with [args] on a fresh community in memory, or on [durable]. */
    private fun call(t: Tally, api: Callable, args: List<Arg>, durable: Fixture? = null) {
        val what = "${api.label}(${args.joinToString { it.label.take(60) }})" + if (durable != null) " on a durable community" else ""
        val started = System.nanoTime()
        val fixture = durable ?: Fixture()
        try {
            call(t, api, args, fixture, what)
        } finally {
            if (durable == null) fixture.close()
        }
        val elapsed = System.nanoTime() - started
        if (elapsed > t.slowest) {
            t.slowest = elapsed
            t.slowestCall = what
        }
    }

    private fun call(t: Tally, api: Callable, args: List<Arg>, f: Fixture, what: String) {
        val values = try {
            args.map { it.make(f) }
        } catch (e: Throwable) {
            val cause = (e as? InvocationTargetException)?.targetException ?: e
            // A Kotlin record refuses a null in a non-null field when it is built.
            if (cause is NullPointerException && args.any { it.hasNull }) t.notBuilt++
            else t.failures += "$what: building the arguments: $cause"
            return
        }
        t.calls++
        if (f.durable) t.durableCalls++
        try {
            val result = api.method.invoke(if (api.onCommunity) f.c else null, *values.toTypedArray())
            t.succeeded++
            if (result is Community) {
                result.use { r -> r.checkInvariants()?.let { t.failures += "$what: the community it made: $it" } }
            }
        } catch (e: InvocationTargetException) {
            judge(t, what, args, e.targetException)
        }
        // Whatever happened, the community still answers and holds its invariants.
        try {
            f.c.checkInvariants()?.let { t.failures += "$what: invariant broken: $it" }
        } catch (e: Throwable) {
            t.failures += "$what: the community no longer answers: $e"
        }
    }

    @Test
    fun `every function and method answers hostile input with a result or a CimiException`(@TempDir dir: Path) {
        prepare(dir)
        // -Dhostile.only=name1,name2 limits the sweep to some functions (to debug one).
        val only = System.getProperty("hostile.only")?.split(',')?.toSet()
        val api = api().filter { only == null || it.method.name in only }
        val t = Tally()
        for (a in api) {
            val params = a.method.parameters
            val base = params.map { baseline(it.parameterizedType, it.name, a.method.name) }
            val sets = listOf(base) + params.indices.flatMap { i ->
                hostile(params[i].parameterizedType, params[i].name, a.method.name, 0).map { v ->
                    base.toMutableList().also { it[i] = v }
                }
            }
            for (args in sets) call(t, a, args)
            // The methods again, one after the other on one durable community
            // (its journal writes every change), without the huge values
            // (already sent in memory).
            if (a.onCommunity) {
                Fixture(Path.of(freshPath("durable"))).use { durable ->
                    for (args in sets.filter { set -> set.none { it.huge } }) call(t, a, args, durable)
                }
            }
        }
        val functions = api.count { it.label.startsWith("Cimi.") }
        val methods = api.count { it.onCommunity }
        println(
            "hostile inputs: ${t.calls} calls (${t.durableCalls} on a durable community) " +
                "to ${api.size} functions, constructors and methods " +
                "($functions top-level functions, ${api.size - functions - methods} constructors, " +
                "$methods Community methods): ${t.succeeded} succeeded, " +
                "${t.byFamily.values.sum()} CimiException ${t.byFamily}, ${t.nullRefused} nulls refused " +
                "by Kotlin's null checks, ${t.utf16Refused} lone surrogates refused (IllegalArgumentException); " +
                "${t.notBuilt} records Java cannot build with a null field; ${t.failures.size} failures; " +
                "slowest: ${t.slowestCall.take(160)} (${t.slowest / 1_000_000} ms)",
        )
        assertTrue(t.failures.isEmpty(), t.failures.take(40).joinToString("\n"))
        assertTrue(t.succeeded > 0 && t.byFamily.isNotEmpty() && t.nullRefused > 0)
    }


    private companion object {
        /** Marks the labels of huge values. */
        const val HUGE = "huge:"
    }
}
