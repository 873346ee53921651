"""The Audience-Align part's master data: countries, languages, study categories, verticals (the
seed's lists), and the standard qualifications of each country and language."""

COUNTRIES = [
    {
        "country_id": "1",
        "name": "Afghanistan",
        "short_name": "AF",
        "iso_code": "AFG",
        "country_code": "93",
        "language": "5",
    },
    {
        "country_id": "2",
        "name": "Albania",
        "short_name": "AL",
        "iso_code": "ALB",
        "country_code": "355",
        "language": "5",
    },
    {
        "country_id": "74",
        "name": "France",
        "short_name": "FR",
        "iso_code": "FRA",
        "country_code": "33",
        "language": "1",
    },
    {
        "country_id": "81",
        "name": "Germany",
        "short_name": "DE",
        "iso_code": "DEU",
        "country_code": "49",
        "language": "6",
    },
    {
        "country_id": "154",
        "name": "Netherlands",
        "short_name": "NL",
        "iso_code": "NLD",
        "country_code": "31",
        "language": "4",
    },
    {
        "country_id": "228",
        "name": "United Kingdom",
        "short_name": "GB",
        "iso_code": "GBR",
        "country_code": "44",
        "language": "5",
    },
    {
        "country_id": "229",
        "name": "United States",
        "short_name": "US",
        "iso_code": "USA",
        "country_code": "1",
        "language": "5",
    },
]
LANGUAGES = [
    {"language_id": "1", "name": "French", "short_name": "fr"},
    {"language_id": "2", "name": "Chinese Simplified", "short_name": "zh"},
    {"language_id": "3", "name": "Chinese Traditional", "short_name": "zh"},
    {"language_id": "4", "name": "Dutch", "short_name": "nl"},
    {"language_id": "5", "name": "English", "short_name": "en"},
    {"language_id": "6", "name": "German", "short_name": "de"},
]
STUDY_CATEGORIES = [
    {"category_id": str(i), "name": name}
    for i, name in enumerate(
        [
            "Adhoc",
            "Community Build",
            "Face to Face",
            "IHUT",
            "Incidence Check",
            "Qualitative Screening",
            "Panel Recruit",
            "Recontact",
            "Tracking-Weekly",
            "Tracking-Biweekly",
            "Tracking-Monthly",
            "Tracking-Quarterly",
            "Wave",
        ],
        start=5,
    )
]
VERTICALS = [
    {"vertical_id": str(i), "name": name}
    for i, name in enumerate(
        [
            "Automotive",
            "Beauty/Cosmetics",
            "Beverages - Alcoholic",
            "Beverages - Non Alcoholic",
            "Education",
            "Electronics/Computer/Software",
            "Entertainment (Movies, Music, TV, etc)",
            "Explicit Content",
            "Fashion/Clothing",
            "Financial Services/Insurance",
            "Food/SnacksGambling/Lottery",
            "Healthcare/Pharmaceuticals",
            "Home (Utilities, Appliances, ...)",
            "Home Entertainment (DVD, VHS)",
            "Home Improvement/Real Estate/Construction",
            "IT (Servers, Databases, etc)",
            "Other",
            "Personal Care/Toiletries",
            "Pets",
            "Politics",
            "Publishing (Newspaper, Magazines, Books)",
            "Restaurants",
            "Sensitive Content",
            "Sports",
            "Telecommunications (phone, cell phone, cable)",
            "Tobacco (Smokers)",
            "Toys",
            "Transportation/Shipping",
            "Travel",
            "Video Games",
            "Websites/Internet/E-Commerce",
        ],
        start=1,
    )
]
MASTER = {
    "country": COUNTRIES,
    "language": LANGUAGES,
    "study_category": STUDY_CATEGORIES,
    "vertical": VERTICALS,
}

AGE = {
    "qualification_id": 42,
    "Name": "AGE",
    "QuestionText": "What is your age?",
    "questionType": "Numeric - Open-end",
    "range_sets": [{"from": 18, "to": 99}],
}
GENDER = {
    "qualification_id": 43,
    "Name": "GENDER",
    "QuestionText": "Are you...?",
    "questionType": "Single Punch",
    "conditions": [
        {"condition_code": "1", "condition_name": "Male"},
        {"condition_code": "2", "condition_name": "Female"},
    ],
}
ZIP = {
    "qualification_id": 45,
    "Name": "ZIP",
    "QuestionText": "What is your zip code?",
    "questionType": "Open-end",
    "zipcodes": [],
}
HHI = {
    "qualification_id": 47,
    "Name": "STANDARD_HHI",
    "QuestionText": "What is your annual household income?",
    "questionType": "Single Punch",
    "conditions": [
        {"condition_code": str(i), "condition_name": name}
        for i, name in enumerate(
            ["Less than 25,000", "25,000 to 49,999", "50,000 to 74,999", "75,000 to 99,999", "100,000 or more"],
            start=1,
        )
    ],
}
PETS = {
    "qualification_id": 639,
    "Name": "STANDARD_PETS",
    "QuestionText": "Which of the following pets are present in your household?",
    "questionType": "Multi Punch",
    "conditions": [
        {"condition_code": str(i), "condition_name": name}
        for i, name in enumerate(
            [
                "Cat(s)",
                "Dog(s)",
                "Bird(s)",
                "Fish",
                "Amphibians (frogs, toads, etc.)",
                "Small animals or rodents (hamsters, mice, rabbits, ferrets, etc.)",
                "Reptiles (turtles, snakes, lizards, etc.)",
                "Horse(s)",
                "I do not have any pets",
                "Other",
            ],
            start=1,
        )
    ],
}
REGION = {
    "qualification_id": 96,
    "Name": "REGION",
    "QuestionText": "In which region do you live?",
    "questionType": "Single Punch",
    "conditions": [
        {"condition_code": "1", "condition_name": "Northeast"},
        {"condition_code": "2", "condition_name": "Midwest"},
        {"condition_code": "3", "condition_name": "South"},
        {"condition_code": "4", "condition_name": "West"},
    ],
}
# Every country the sandbox lists has the same standard qualifications in its own language (ZIP in the US).
STANDARD = [AGE, GENDER, HHI, PETS, REGION]


def standard_qualifications(country_id, language_id):
    """The standard qualifications of a country and language, or None when the pair is not offered."""
    country = next((c for c in COUNTRIES if c["country_id"] == str(country_id)), None)
    if country is None or country["language"] != str(language_id):
        return None
    return STANDARD + ([ZIP] if country["short_name"] == "US" else [])


def standard_qualification(country_id, language_id, code):
    return next(
        (q for q in standard_qualifications(country_id, language_id) or [] if q["qualification_id"] == int(code)),
        None,
    )


def name_of(kind, item_id):
    key = {
        "country": "country_id",
        "language": "language_id",
        "study_category": "category_id",
        "vertical": "vertical_id",
    }
    return next((item["name"] for item in MASTER[kind] if item[key[kind]] == str(item_id)), None)
