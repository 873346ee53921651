"""Reference data the sandbox serves: the question library, templates, reason codes."""

AGE = {"question_id": 42, "name": "AGE", "response_type": "range", "min": 13, "max": 99, "category_id": 1}
GENDER = {"question_id": 43, "name": "GENDER", "response_type": "single_punch", "category_id": 1}
EMPLOYMENT = {"question_id": 2189, "name": "STANDARD_EMPLOYMENT", "response_type": "single_punch", "category_id": 3}
INCOME = {"question_id": 14785, "name": "STANDARD_HHI", "response_type": "single_punch", "category_id": 2}

TEXTS = {
    "eng": {
        42: "What is your age?",
        43: "Are you...?",
        2189: "Which of the following best describes your employment status?",
        14785: "What is your total annual household income, before taxes?",
        "region": "In which region do you live?",
        "gender": ["Male", "Female"],
        "employment": [
            "Employed full-time",
            "Employed part-time",
            "Self-employed",
            "Unemployed",
            "Student",
            "Retired",
            "Homemaker",
        ],
    },
    "deu": {
        42: "Wie alt sind Sie?",
        43: "Sie sind...?",
        2189: "Was beschreibt Ihre berufliche Situation am besten?",
        14785: "Wie hoch ist das jährliche Bruttoeinkommen Ihres Haushalts?",
        "region": "In welchem Bundesland leben Sie?",
        "gender": ["Männlich", "Weiblich"],
        "employment": [
            "Vollzeit angestellt",
            "Teilzeit angestellt",
            "Selbstständig",
            "Arbeitslos",
            "Student/in",
            "Im Ruhestand",
            "Hausfrau/Hausmann",
        ],
    },
}

INCOME_BRACKETS = {
    "eng_us": [
        "Less than $25,000",
        "$25,000 to $49,999",
        "$50,000 to $74,999",
        "$75,000 to $99,999",
        "$100,000 to $149,999",
        "$150,000 or more",
        "Prefer not to say",
    ],
    "eng_gb": [
        "Under £20,000",
        "£20,000 to £39,999",
        "£40,000 to £59,999",
        "£60,000 to £79,999",
        "£80,000 to £99,999",
        "£100,000 or more",
        "Prefer not to say",
    ],
    "deu_de": [
        "Unter 20.000 €",
        "20.000 € bis 39.999 €",
        "40.000 € bis 59.999 €",
        "60.000 € bis 79.999 €",
        "80.000 € bis 99.999 €",
        "100.000 € oder mehr",
        "Keine Angabe",
    ],
}

REGIONS = {
    "eng_us": (96, "REGION", ["Northeast", "Midwest", "South", "West"]),
    "eng_gb": (
        12452,
        "REGION",
        [
            "North East",
            "North West",
            "Yorkshire and the Humber",
            "East Midlands",
            "West Midlands",
            "East of England",
            "London",
            "South East",
            "South West",
            "Wales",
            "Scotland",
            "Northern Ireland",
        ],
    ),
    "deu_de": (
        12453,
        "BUNDESLAND",
        [
            "Baden-Württemberg",
            "Bayern",
            "Berlin",
            "Brandenburg",
            "Bremen",
            "Hamburg",
            "Hessen",
            "Mecklenburg-Vorpommern",
            "Niedersachsen",
            "Nordrhein-Westfalen",
            "Rheinland-Pfalz",
            "Saarland",
            "Sachsen",
            "Sachsen-Anhalt",
            "Schleswig-Holstein",
            "Thüringen",
        ],
    ),
}

LOCALES = {
    "eng_us": ("us", "United States", "English"),
    "eng_gb": ("gb", "United Kingdom", "English"),
    "deu_de": ("de", "Germany", "German"),
}


def questions(locale):
    """[(fields, [option names])] for one locale."""
    language = locale.split("_")[0]
    texts = TEXTS[language]
    region_id, region_name, regions = REGIONS[locale]
    return [
        ({**AGE, "text": texts[42]}, []),
        ({**GENDER, "text": texts[43]}, texts["gender"]),
        (
            {
                "question_id": region_id,
                "name": region_name,
                "response_type": "single_punch",
                "category_id": 4,
                "text": texts["region"],
            },
            regions,
        ),
        ({**INCOME, "text": texts[14785]}, INCOME_BRACKETS[locale]),
        ({**EMPLOYMENT, "text": texts[2189]}, texts["employment"]),
    ]


AGE_BANDS = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 99)]
US_AGE_SHARES = [12, 18, 17, 16, 17, 20]
GB_AGE_SHARES = [11, 17, 17, 17, 16, 22]


def _age_profile(shares):
    return {
        "question_id": 42,
        "name": "AGE",
        "description": TEXTS["eng"][42],
        "conditions": {
            "object": "range_conditions_details_template",
            "data": [{"text": f"{low}-{high}", "min": low, "max": high} for low, high in AGE_BANDS],
        },
        "quotas": {"ungrouped": [{"index": i, "quota_percentage": p} for i, p in enumerate(shares)], "grouped": []},
    }


def _gender_profile():
    return {
        "question_id": 43,
        "name": "GENDER",
        "description": TEXTS["eng"][43],
        "conditions": {"object": "selection_conditions_details_template", "data": [{"option": "1"}, {"option": "2"}]},
        "quotas": {
            "ungrouped": [{"index": 0, "quota_percentage": 49}, {"index": 1, "quota_percentage": 51}],
            "grouped": [],
        },
    }


TEMPLATES = [
    {
        "name": "US census representative: age and gender",
        "description": "US adults 18+, age bands and gender at census proportions.",
        "label": "census-us",
        "locales": ["eng_us"],
        "profiles": [_age_profile(US_AGE_SHARES), _gender_profile()],
    },
    {
        "name": "GB nat rep: age, gender and region",
        "description": "UK adults 18+ by age band, gender and the four largest regions grouped.",
        "label": "natrep-gb",
        "locales": ["eng_gb"],
        "profiles": [
            _age_profile(GB_AGE_SHARES),
            _gender_profile(),
            {
                "question_id": 12452,
                "name": "REGION",
                "description": TEXTS["eng"]["region"],
                "conditions": {
                    "object": "selection_conditions_details_template",
                    "data": [{"option": str(i)} for i in range(1, 13)],
                },
                "quotas": {
                    "ungrouped": [],
                    "grouped": [
                        {"indexes": [0, 1, 2], "name": "North", "quota_percentage": 24},
                        {"indexes": [3, 4, 5], "name": "Midlands and East", "quota_percentage": 26},
                        {"indexes": [6, 7, 8], "name": "London and South", "quota_percentage": 36},
                        {"indexes": [9, 10, 11], "name": "Nations", "quota_percentage": 14},
                    ],
                },
            },
        ],
    },
]

# The definitions lists (`/study-types`, `/industries`, `/industry-lockouts`): (id, code, name).
STUDY_TYPES = [
    (1, "adhoc", "Adhoc"),
    (2, "diary", "Diary"),
    (3, "ihut", "In-home usage test"),
    (5, "community_build", "Community build"),
    (8, "recontact", "Recontact"),
    (9, "qualitative_screening", "Qualitative screening"),
    (11, "tracking_weekly", "Tracking (weekly)"),
    (12, "tracking_monthly", "Tracking (monthly)"),
    (13, "tracking_quarterly", "Tracking (quarterly)"),
    (14, "wave_study", "Wave study"),
    (15, "incidence_check", "Incidence check"),
]
INDUSTRIES = [
    (1, "automotive", "Automotive"),
    (2, "beauty_cosmetics", "Beauty and cosmetics"),
    (3, "beverages_alcoholic", "Beverages (alcoholic)"),
    (4, "beverages_non_alcoholic", "Beverages (non-alcoholic)"),
    (5, "education", "Education"),
    (6, "electronics_software", "Electronics, computers and software"),
    (7, "entertainment", "Entertainment (films, music, TV)"),
    (8, "fashion_clothing", "Fashion and clothing"),
    (9, "financial_services", "Financial services and insurance"),
    (10, "food_snacks", "Food and snacks"),
    (11, "gambling_lottery", "Gambling and lottery"),
    (12, "healthcare_pharmaceuticals", "Healthcare and pharmaceuticals"),
    (13, "home_improvement", "Home improvement, real estate and construction"),
    (14, "it_b2b", "IT (servers, databases, networks)"),
    (15, "personal_care", "Personal care and toiletries"),
    (16, "pets", "Pets"),
    (19, "politics", "Politics"),
    (20, "publishing", "Publishing (newspapers, magazines, books)"),
    (21, "restaurants", "Restaurants"),
    (22, "sports", "Sports"),
    (23, "telecommunications", "Telecommunications"),
    (24, "tobacco", "Tobacco"),
    (25, "travel", "Travel"),
    (26, "video_games", "Video games"),
    (27, "websites_ecommerce", "Websites, internet and e-commerce"),
    (99, "other", "Other"),
]
INDUSTRY_LOCKOUTS = [
    (0, "no_lock_out", "No lock-out"),
    (24, "past_24_hours", "Past 24 hours"),
    (7, "past_7_days", "Past 7 days"),
    (30, "past_30_days", "Past 30 days"),
    (90, "past_90_days", "Past 90 days / 3 months"),
    (180, "past_6_months", "Past 6 months"),
]

REASON_CODES = [
    ("11", "Speeding", "The respondent completed the survey implausibly fast."),
    ("12", "Straightlining", "The respondent gave the same answer to every item of a grid."),
    ("13", "Poor open ends", "Open-ended answers were gibberish, copied or off-topic."),
    ("14", "Failed attention check", "The respondent failed a trap or attention question."),
    ("15", "Duplicate", "The same person completed the survey more than once."),
    ("20", "Valid complete", "A respondent marked as terminate actually completed; count the complete."),
    ("932", "Other quality issue", "Any other quality problem found in the data."),
]

USERS = [
    ("API User", "api-user@sandbox.invalid", True),
    ("Pat Manager", "pat.manager@sandbox.invalid", False),
    ("Robin Fielder", "robin.fielder@sandbox.invalid", False),
]
