"""Word lists and cue words for identifier detection.

The large lists live in ``data/`` (provenance and licence in ``data/README.md``)
and load once, on first use. Every list holds *normal forms* as produced by
:func:`thematica.deid.matcher.normalise_token` (case-folded, no accents, no
apostrophes), so a token's key can be looked up directly.
"""

from __future__ import annotations

import re
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
TITLES = _words(
    """mr mrs ms miss mx dr doctor prof professor nurse sister matron sir dame rev revd reverend auntie
    aunty aunt uncle cllr councillor pastor imam rabbi father fr brother bishop canon deacon grandad
    grandpa grandma gran granny nan nanna nana"""
)
#: Words before a name that belong to a nickname ("Big Steve", "little kev").
NICK_PREFIXES = _words("big little lil")
#: First words of place names ("Lower Gornal", "North Shields", "Great Barr").
PLACE_PREFIXES = _words("lower upper little great north south east west nether old new high long much kings")
#: Beginnings of Welsh and Scottish place names ("Llanelli", "Aberdare", "Cwmbran").
PLACE_STARTS = ("llan", "aber", "caer", "cwm", "ystrad", "blaen", "pont", "inver", "kirk", "dun")

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
        skype google youtube tiktok snapchat netflix bbc itv cbt dbt wrap ect emdr iapt cmht
        camhs cqc nice dwp pip esa ofsted okay ok mum dad mam nan nana grandma grandad
        interviewer interviewee participant facilitator researcher respondent speaker
        inaudible crosstalk laughs laughter pause redacted co-op coop icu bpd eupd ptsd ocd adhd
        asd cpn cpns tas hca rmn rgn amhp dols mha cpa crht crhtt cmhts gcse gcses nvq btec ba ma msc
        bsc phd pgce dbs hr it tv sms pc dla uc jsa hmrc cv aka asap etc ecg mri ct bame lgbt
        lgbtq lgbtqia ai qr usa eu un who headspace sleepio daylio calmapp spotify fitbit strava duolingo
        pinterest reddit tinder linkedin discord twitch podcast podcasts telegram viber wechat weibo
        kakaotalk imessage facetime messenger threads bluesky hinge bumble grindr uber lyft bolt
        windrush carnival mash kong kongers hongkongers"""
    )
    | MONTHS
    | WEEKDAYS
    | HOLIDAYS
)

#: Words that end (or start) a place name: the reported category.
PLACE_CUES: dict[str, str] = {
    **dict.fromkeys(_words(
        "ward wards hospital street st road rd lane ln avenue ave close drive way crescent grove "
        "gardens terrace square park estate green centre center clinic surgery house unit court "
        "lodge hall church chapel mosque temple gurdwara synagogue library station prison "
        "hostel flats tower mill farm village building campus arena stadium theatre cinema museum gallery "
        "market inn arms hotel cafe café tavern baths bridge quay wharf marina priory abbey manor grange "
        "cottage barn way walk row parade rise mount vale view mews yard precinct allotments sanctuary"
    ), "place"),
    **dict.fromkeys(_words(
        "trust council charity foundation ltd limited plc group services service partnership "
        "association society network project cic ccg icb practice college school university "
        "academy institute fellowship alliance collective club gp mind samaritans nursery primary "
        "transport housing hub united rovers wanderers albion athletic fc afc rfc steelworks works factory "
        "company bakery salon garage pharmacy chemist chemists studio studios gym foodbank pantry kitchen "
        "tabernacle cathedral ministries mission hospice shed choir circle recruitment barbers barber "
        "barbershop wash fm agency consultancy salon carwash"
    ), "organisation"),
}

#: Words before a name that make it an organisation ("Radio Tamar", "Café Lumen").
ORG_PREFIXES = _words("radio cafe café")
#: Cue words that name a place or organisation in lower case after a specific word ("tanner street").
LOWER_CUES = _words(
    "street road lane avenue crescent ward housing church chapel mosque rfc fc afc surgery school academy "
    "hospital clinic estate terrace foundation trust"
)
#: Lower-case cues that follow an ordinary word in a place name in an all-lower-case text ("crow lane").
LOWER_STREET_CUES = _words("street road lane avenue crescent ward")
#: Words before a cue word that describe rather than name ("the main road", "the back lane").
LOWER_MODIFIERS = _words(
    """main high ring back side busy long same next other dual country slip private quiet wrong old new
    big little small nice local whole primary secondary grammar private public catholic village parish
    psychiatric general children's mental that this every which what whose one two first last open
    closed bypass top bottom far near front different nearest other's own usual dirt muddy steep narrow
    wide straight right left a an the some any no"""
)
#: Acronyms of two or three letters that are not a person's initials.
ACRONYMS = _words(
    """nhs gp gps ot ots cpn mdt cbt dbt ae uk us usa eu un tv pc ok ai it hr cv mp ma ba ct id pe re
    dj ip ed ad am pm fm bt ee qr sw se ne nw ni ss rn hca sen sas dla esa pip uc wi fi dvd cd bb
    gcse ptsd ocd adhd bpd asd mri ecg icu er mh lgbt omg lol tbh idk nb ps vs hq ceo pa sos
    rip diy jd bnb abc bmw vw"""
)
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
    sports leisure youth respite resource integrated specialist mother baby perinatal maternity
    eating disorder disorders addiction alcohol drug drugs substance misuse homeless community's
    high new old big little great main central town"""
)

#: Words allowed inside a multi-word proper name, never at its ends.
CONNECTORS = _words("of the and & for upon de la le du da von van der den di del della dos das bin ibn y dela delos al")
#: Connectors that belong to a surname ("de Souza", "van Dijk").
PARTICLES = CONNECTORS - _words("of the and & for upon y")

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

#: Shops and employers named without a cue word: organisations ("I worked at Asda").
SHOPS: tuple[str, ...] = (
    "Tesco", "Tesco Extra", "Asda", "Aldi", "Lidl", "Morrisons", "Sainsbury's", "Waitrose", "Primark", "Greggs",
    "Costa", "Starbucks", "Wilko", "Poundland", "Argos", "Currys", "Debenhams", "Woolworths", "McDonald's",
    "KFC", "Nando's", "Wetherspoons", "Spoons", "Halfords", "Superdrug", "Matalan", "TK Maxx", "Ikea", "IKEA",
    "B&Q", "Homebase", "Screwfix", "Toolstation", "Ocado", "Deliveroo", "Amazon", "Hermes", "Evri", "DPD",
    "Royal Mail", "Marks and Spencer", "Marks & Spencer", "M&S", "Co-op", "B&M", "Home Bargains",
    "Poundstretcher", "Sports Direct", "JD Sports", "Wickes", "Pets at Home", "Specsavers", "Subway",
    "Pizza Hut", "Domino's", "Burger King", "Travelodge", "Premier Inn", "Capita", "Serco", "Sodexo",
    "Stagecoach", "Arriva", "National Express", "Network Rail", "Openreach", "BT", "Barclays", "Lloyds",
    "NatWest", "HSBC", "Santander", "Halifax", "Nationwide", "Boots",
)
#: Words before an employer or shop ("worked at", "a job at", "volunteer with").
EMPLOYER_CUES = _words("work works worked working job shift shifts volunteer volunteers volunteered volunteering placement employed")

#: Words just before a name that mark it as a person's. Strong cues take the next
#: name-like word even in lower case ("called sarah"); weak ones need a capital.
STRONG_PERSON_CUES = _words(
    """called named colleague co-trainer cotrainer co-facilitator trainer trainers husband wife
    partner daughter son mum mam mom dad brother sister friend boyfriend girlfriend manager boss
    psychiatrist therapist counsellor counselor coordinator co-ordinator keyworker worker tutor
    mentor supervisor consultant cousin aunt auntie uncle nan nanna nana grandma gran granny
    grandad grandpa grandson granddaughter niece nephew neighbour fiance fiancee ex mate
    stepdad stepmum stepson stepdaughter pal bestie bezzie nickname nicknamed lad lass lady bloke fella
    gent"""
)
WEAK_PERSON_CUES = _words(
    """with asked told tell ask thank thanks met meet saw see love miss phoned rang texted
    emailed messaged and by from to for dear hi hello cheers"""
)
#: Phrases ending in a cue: "her name is", "his name was", "name's".
NAME_IS = (("name", "is"), ("name", "was"), ("names",), ("known", "as"), ("goes", "by"), ("calls", "him"),
           ("calls", "her"), ("called", "him"), ("called", "her"), ("call", "him"), ("call", "her"))

#: Words after a sentence-initial name that show it is a person doing something.
VERB_CUES = _words(
    """said says told tells asked asks was is has had came comes went goes would will could
    did does who thinks thought runs ran works worked helped helps got gets gave gives wants
    wanted felt feels knew knows used phoned rang texted messaged emailed called kept left
    started took made always never just really actually and organised organises explained
    explains suggested suggests mentioned replied answered laughed smiled"""
)

#: Lower-case words that are first names but ordinary words too: never a lower-case name by
#: context alone ("with honey", "and tiny bits").
LOWER_AMBIGUOUS = _words(
    """ai al alpha angel angle bee bell belle berry blossom bo bong bonny bunny candy carol clay con
    conception coral dee del delta desire di diamond dolly dot dusty echo ed eden emerald era eve fairy
    fe flora garland golden herb honey hue ima isa ivory ja jay jewel junior ka kip kit kitty lean lee
    les li lin ling lou lu ma mac manual maple marine merry meta mike min misty moon na nick noma nova
    nu omega opal pa pansy paz peg ping precious raven rex rocky roman santa scarlet sha sherry sol
    sparkle stormy su sunny sunshine ta tad tam tan tel tera thi tiny tod tu ty val van velvet venus vi
    von windy wm yang yen yi dean deb sky rain star summer guy pat will may bill rob sue don mark
    jack grace hope faith joy rose ruby holly ivy amber jade dawn april june august ginger hazel iris
    lily olive pearl penny poppy robin sandy violet willow chance charity chase frank grant hunter
    lance miles ray rich rod wade art august autumn basil brook buck bud buddy chuck cliff crystal dale
    drew earl fern forest gene glen glory harmony heath heather jan jasmine laurel liberty melody mercy
    page patience porter prince prudence reed rosemary royal rusty sage spring trinity warren winter
    destiny daisy cherry bob jean kay joe aide angelic bambi buster cherish chin chu dell dimple dong elba
    florida foster gala garnet genesis isis hyacinth han hoi fawn fay homer ira kam kali kirk lala lam
    lang lei len lore loma lula luz mack madonna magnolia mana marry marvel maryland mee mel mica mimi
    mina ming mona monet mora nam nevada newton oma ora pasty pearly pia porsche quinn rae rea rey ria
    rico russ sang santo shad shay shin shiloh soo sung tama tandy tequila terra tia tish tory tula una
    vera vida vita viva wan wen yer yon lyn reed starr stella mercedes chanel chardonnay cristal brandy
    cinderella clementine ebony fanny dick willy randy johnson peter tawny rosy tiara pandora walker
    florence constance felicity goldie lolita pinkie cookie lavender pepper sable essence dixie
    carter cooper fletcher parker porter chase baker marshall miller gray bishop major hunter mason
    sterling warner price rocky lucky sunny mick mickey"""
)
#: Words after a lower-case first name that show it is a person ("then kemi said").
LOWER_AFTER = _words(
    """said says told tells asked asks was is has had came comes went goes rang phoned texted messaged
    thinks thought knows knew used would wants wanted does did reckons reckoned laughed cried
    helped helps"""
)
#: Words before a lower-case first name that show it is a person ("me and dan", "with kemi").
LOWER_BEFORE = _words("and with told asked tell ask called named met saw see phoned rang texted messaged thank thanks love hi hello")

#: Ordinary sentence openers that may stand before a capitalised place name ("Then Church Street ...").
OPENERS = _words(
    """then so well and but yeah yes no okay ok anyway right because cos when after before like also
    oh um er erm mm actually honestly basically obviously now"""
)

#: Prepositions after which a capitalised word is likely a place.
PLACE_PREPS = _words("in at from near to around round outside inside towards toward via")

#: Place cues that are also common surnames: "Sarah Green" is a person, "Rowan Ward" a place.
PERSONISH_CUES = _words("green park hall lane hill way court grove church chapel mill farm tower house lodge close")
#: Street cues: a house number before them belongs to the place ("14 Elm Close").
STREET_CUES = _words("road rd street st lane ln avenue ave close drive way crescent grove gardens terrace square")
DETERMINERS = _words("the a an my our your his her their this that these those some any no")
#: Words after which a sentence-initial "Will" or "May" is a verb ("Will you ...?").
PRONOUNS = _words("i you we they he she it not my your our their this that")
#: Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = _words("mr mrs ms mx dr prof rev revd fr st mt cllr")

_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
                ("ing", "e"), ("ly", ""))
_WORDLIKE = re.compile(r"(?:tion|sion|ment|ness|ity|ism|ist|ance|ence|ology|ship|hood|ive|ous|ful|less"
                       r"|able|ible|ical|ally|ing|ised|ized|ise|ize|ings|ments|tions)$")


def wordlike(key: str) -> bool:
    """True if ``key`` ends like an ordinary word, never a name ("intervention", "wellbeing")."""
    return _WORDLIKE.search(key) is not None


class CommonWords:
    """Membership in the common-word list that also knows simple inflections ("boots", "listened")."""

    __slots__ = ("memo", "words")

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        self.memo: dict[str, bool] = {}

    def __contains__(self, key: object) -> bool:
        if key in self.words:
            return True
        if not isinstance(key, str) or len(key) < 5:
            return False
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = any(
                key.endswith(suffix) and self._stem_known(key[: -len(suffix)], repl, suffix)
                for suffix, repl in _INFLECTIONS
            )
        return found

    def _stem_known(self, stem: str, repl: str, suffix: str) -> bool:
        if stem + repl in self.words:
            return True  # "boots", "listened", "hoping"
        return suffix in ("ed", "ing") and len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in self.words


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
def world_terms() -> frozenset[str]:
    """Countries, nationalities, languages and religious terms: never identifiers alone."""
    return _words("\n".join(ln for ln in _load("world_terms.txt").splitlines() if not ln.startswith("#")))


@lru_cache(maxsize=1)
def common_words() -> CommonWords:
    """Common English words (some also names: "hope", "will"), with their inflections."""
    return CommonWords(_words(_load("common_words.txt")) | STOPWORDS | NOT_NAMES | world_terms())


@lru_cache(maxsize=1)
def uk_places() -> tuple[str, ...]:
    """UK and Irish towns, cities, districts and counties, as written."""
    return tuple(line.strip() for line in _load("uk_places.txt").splitlines() if line.strip())


@lru_cache(maxsize=1)
def place_keys() -> frozenset[str]:
    """Normal forms of the one-word gazetteer places ("skegness")."""
    return frozenset(normalise_token(p) for p in uk_places() if " " not in p)


__all__ = [
    "ABBREVIATIONS", "ACRONYMS", "CONNECTORS", "DETERMINERS", "EMPLOYER_CUES", "GENERIC", "HOLIDAYS", "LOWER_AFTER",
    "LOWER_AMBIGUOUS", "LOWER_BEFORE", "LOWER_CUES", "LOWER_MODIFIERS", "LOWER_STREET_CUES", "MONTHS", "NAME_IS", "NICK_PREFIXES", "NOT_NAMES", "NUMBERED_CUES",
    "OPENERS", "ORG_AMBIGUOUS", "ORG_NAMES", "ORG_PREFIXES", "PARTICLES", "PERSONISH_CUES", "PLACE_CUES", "PLACE_PREFIXES",
    "PLACE_PREPS", "PLACE_STARTS", "PRONOUNS", "SHOPS", "STOPWORDS", "STREET_CUES", "STRONG_PERSON_CUES",
    "TITLES", "VERB_CUES", "WEAK_PERSON_CUES", "WEEKDAYS", "CommonWords", "common_words", "first_names",
    "place_keys", "surnames", "uk_places", "wordlike", "world_terms",
]
