"""Word lists and cue words for identifier detection.

The large lists live in ``data/`` (provenance and licence in ``data/README.md``)
and load once, on first use. Every list holds *normal forms* as produced by
:func:`thematica.deid.matcher.normalise_token` (case-folded, no accents, no
apostrophes), so a token's key can be looked up directly.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .matcher import normalise_token


def _words(text: str) -> frozenset[str]:
    return frozenset(normalise_token(w) for w in text.split())


#: Function words: never a name variant, never flagged.
STOPWORDS = _words(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yeah yes
    ok okay oh um er erm mm like well just also really"""
)

#: Titles that precede a name; the title itself is not part of the reported span.
TITLES = _words("mr mrs ms miss mx dr doctor prof professor nurse sister matron sir dame rev revd reverend auntie aunty uncle cllr councillor")

MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday")
HOLIDAYS = _words("christmas xmas easter halloween diwali eid ramadan hanukkah passover lent advent")

#: Capitalised words that are never identifiers on their own.
NOT_NAMES = (
    _words(
        """god jesus christ allah lord buddha covid coronavirus christmas xmas easter nhs gp gps
        a&e ae mp uk england scotland wales britain english british scottish welsh irish
        european african asian american caribbean indian pakistani polish muslim christian
        hindu sikh jewish catholic protestant facebook instagram twitter whatsapp zoom teams
        skype google youtube tiktok snapchat netflix bbc itv amazon tesco asda aldi lidl
        morrisons sainsburys primark greggs costa starbucks cbt dbt wrap ect emdr iapt cmht
        camhs cqc nice dwp pip esa ofsted okay ok mum dad mam nan nana grandma grandad
        interviewer interviewee participant facilitator researcher respondent speaker
        inaudible crosstalk laughs laughter pause redacted co-op coop icu bpd eupd ptsd ocd adhd
        asd cpn cpns hca rmn rgn amhp dols mha cpa crht crhtt cmhts gcse gcses nvq btec ba ma msc
        bsc phd pgce dbs hr it tv sms pc dla uc jsa hmrc cv aka asap etc ecg mri ct bame lgbt
        lgbtq lgbtqia ai qr usa eu un who"""
    )
    | MONTHS
    | WEEKDAYS
    | HOLIDAYS
)

#: Words that end (or start) a place name: the reported category.
PLACE_CUES: dict[str, str] = {
    **{w: "place" for w in (
        "ward wards hospital street st road rd lane ln avenue ave close drive way crescent grove "
        "gardens terrace square park estate green centre center clinic surgery house unit court "
        "lodge hall church chapel mosque temple gurdwara synagogue library station prison "
        "hostel flats tower mill farm village"
    ).split()},
    **{w: "organisation" for w in (
        "trust council charity foundation ltd limited plc group services service partnership "
        "association society network project cic ccg icb practice college school university "
        "academy institute fellowship alliance collective club"
    ).split()},
}

#: Cue words that may be followed by a number or letter ("Ward 7", "Unit B").
NUMBERED_CUES = _words("ward unit bay block wing villa flat")

#: Words that describe a service without naming it: a run made only of these
#: and cue words ("the Recovery College", "Health Centre", "NHS Trust") is generic.
GENERIC = _words(
    """recovery mental health healthcare community crisis day medical acute care support team
    local home treatment assessment psychiatric general district nhs foundation primary
    secondary adult adults older people young child children family families adolescent
    peer wellbeing wellness early intervention liaison secure forensic rehabilitation rehab
    inpatient outpatient emergency job jobcentre plus main the of and for my our their his her
    this that a an city county borough national regional learning education training
    hearing voices women's men's womens mens student students staff social services drop-in
    sports leisure youth respite resource integrated specialist"""
)

#: Words allowed inside a multi-word proper name, never at its ends.
CONNECTORS = _words("of the and & for upon de la le du da von van der y")

#: Organisations (mostly charities) named without a cue word.
ORG_NAMES: tuple[str, ...] = (
    "Mind", "Samaritans", "Rethink", "Rethink Mental Illness", "Off The Record", "Turning Point",
    "Change Grow Live", "Age UK", "Age Concern", "Citizens Advice", "Richmond Fellowship", "Hafal",
    "SAMH", "Shelter", "St Mungo's", "Hearing Voices Network", "Alcoholics Anonymous",
    "Narcotics Anonymous", "Salvation Army", "Barnardo's", "Scope", "Mencap", "SANE", "Papyrus",
    "YoungMinds", "Young Minds", "Kooth", "CALM", "Anxiety UK", "Bipolar UK", "Women's Aid",
    "Refuge", "Relate", "Cruse", "Macmillan", "Marie Curie", "Red Cross", "British Red Cross",
    "Oxfam", "Framework", "Tomorrow's Women", "Emerge", "Changes", "Together", "Recovery in the Bin",
)

#: Single-word organisation names that are also ordinary words: reported only
#: when capitalised and not at a sentence start.
ORG_AMBIGUOUS = _words("mind shelter scope refuge relate calm sane together changes emerge framework papyrus")

#: Words just before a name that mark it as a person's. Strong cues take the next
#: name-like word even in lower case ("called sarah"); weak ones need a capital.
STRONG_PERSON_CUES = _words(
    """called named colleague co-trainer cotrainer co-facilitator trainer trainers husband wife
    partner daughter son mum mam mom dad brother sister friend boyfriend girlfriend manager boss
    psychiatrist therapist counsellor counselor coordinator co-ordinator keyworker worker tutor
    mentor supervisor consultant cousin aunt auntie uncle nan nanna nana grandma gran granny
    grandad grandpa grandson granddaughter niece nephew neighbour fiance fiancee ex mate
    stepdad stepmum stepson stepdaughter"""
)
WEAK_PERSON_CUES = _words(
    """with asked told tell ask thank thanks met meet saw see love miss phoned rang texted
    emailed messaged and by from to for dear hi hello cheers"""
)
#: Phrases ending in a cue: "her name is", "his name was", "name's".
NAME_IS = (("name", "is"), ("name", "was"), ("names",), ("known", "as"), ("goes", "by"))

#: Words after a sentence-initial name that show it is a person doing something.
VERB_CUES = _words(
    """said says told tells asked asks was is has had came comes went goes would will could
    did does who thinks thought runs ran works worked helped helps got gets gave gives wants
    wanted felt feels knew knows used phoned rang texted messaged emailed called kept left
    started took made always never just really actually and organised organises explained
    explains suggested suggests mentioned replied answered laughed smiled"""
)

#: Prepositions after which a capitalised word is likely a place.
PLACE_PREPS = _words("in at from near to around round outside inside towards toward via")


def _load(name: str) -> str:
    return resources.files("thematica.deid").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Normal forms of ~5,500 first names (US Census 1990 plus a hand-written UK list)."""
    return _words(_load("first_names.txt"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Normal forms of ~20,000 surnames (US Census 1990 plus a hand-written UK list)."""
    return _words(_load("surnames.txt"))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Normal forms of common English words (including words that are also names)."""
    return _words(_load("common_words.txt")) | STOPWORDS | NOT_NAMES


@lru_cache(maxsize=1)
def uk_places() -> tuple[str, ...]:
    """UK and Irish towns, cities, districts and counties, as written."""
    return tuple(line.strip() for line in _load("uk_places.txt").splitlines() if line.strip())


__all__ = [
    "STOPWORDS", "TITLES", "MONTHS", "WEEKDAYS", "HOLIDAYS", "NOT_NAMES", "PLACE_CUES",
    "NUMBERED_CUES", "GENERIC", "CONNECTORS", "ORG_NAMES", "ORG_AMBIGUOUS",
    "STRONG_PERSON_CUES", "WEAK_PERSON_CUES", "NAME_IS", "VERB_CUES", "PLACE_PREPS",
    "first_names", "surnames", "common_words", "uk_places",
]
