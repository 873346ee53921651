import pytest
from django.urls import reverse

from studies.mapping import choose_cell, propose_mappings
from studies.models import Cell, Mapping
from studies.planning.parsing import PlanError, build_cells, parse_dimensions
from suppliers.cint.profiles import profiles_snapshot

from .factories import StudyFactory
from .plans import attached_tg, give_plan
from .test_mapping import cint_gender

pytestmark = pytest.mark.django_db


def test_typed_dimensions_become_bands_with_their_meaning():
    gender, age, region, pets = parse_dimensions(
        "Gender: Men, Female\nAge: 18-34, 35–54, 55+\nRegion: South = Texas | Florida, West\nPets owned: Dog, Cat"
    )
    assert [(b.label, b.value) for b in gender.bands] == [("Men", "male"), ("Female", "female")]
    assert [b.value for b in age.bands] == [{"min": 18, "max": 34}, {"min": 35, "max": 54}, {"min": 55, "max": 99}]
    assert [b.value for b in region.bands] == [["Texas", "Florida"], ["West"]]
    assert (pets.attribute, pets.question) == ("other", "Pets owned")


def test_interlocking_two_dimensions_makes_a_cell_per_combination():
    interlocked = parse_dimensions("Gender: Male, Female\nAge: 18-34, 35-54, 55+")
    single = parse_dimensions("Region: North, South")
    cells = build_cells(interlocked, single)
    assert [c.label for c in cells] == [
        "Male × 18-34", "Male × 35-54", "Male × 55+", "Female × 18-34", "Female × 35-54", "Female × 55+",
        "North", "South",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Gender Male, Female", "Line 1: write the dimension's name, a colon"),
        ("Age:", "Line 1: “Age” has no bands"),
        ("Age: 18-34, young", "Line 1: “young” is not an age range"),
        ("Age: 18-40, 35-54", "the age bands 18-40 and 35-54 overlap"),
        ("Gender: Male, male", "“male” is in “Gender” twice"),
        ("Gender: Male\ngender: Female", "Line 2: “gender” is typed twice"),
    ],
)
def test_a_plan_that_cannot_be_read_says_which_line_and_why(text, message):
    with pytest.raises(PlanError, match=message):
        parse_dimensions(text)


def plan_post(**extra):
    return {"dimensions": "Gender: Male, Female\nAge: 18-34, 35-54, 55+", "interlock": "on", **extra}


def test_the_form_shows_cells_with_even_goals_then_saves_what_was_typed(pm_client):
    study = StudyFactory(goal=600)
    url = reverse("studies:plan", args=[study.pk])

    html = pm_client.post(url, plan_post(action="preview")).content.decode()
    assert 'name="goal:age=18-34|gender=male" value="100"' in html
    assert not study.cells.exists()

    response = pm_client.post(url, plan_post(action="save", **{"goal:age=18-34|gender=male": "150"}))
    assert response.status_code == 302
    goals = dict(study.cells.values_list("label", "goal"))
    assert len(goals) == 6 and goals["Male × 18-34"] == 150 and goals["Female × 55+"] == 100
    assert [b.label for b in study.cells.get(label="Male × 18-34").bands.order_by("dimension__position")] == [
        "Male",
        "18-34",
    ]


def test_goals_below_the_study_goal_are_warned_about_and_saved(pm_client):
    study = StudyFactory(goal=1000)
    data = {
        "dimensions": "Gender: Male, Female",
        "action": "save",
        "goal:gender=male": "300",
        "goal:gender=female": "400",
    }
    response = pm_client.post(reverse("studies:plan", args=[study.pk]), data, follow=True)
    assert "Gender: the cells add up to 700, less than the study&#x27;s goal of 1,000." in response.content.decode()
    assert study.cells.count() == 2


def test_a_goal_that_is_no_number_is_marked_and_everything_typed_comes_back(pm_client):
    study = StudyFactory(goal=600)
    data = plan_post(action="save", **{"goal:age=18-34|gender=male": "lots"})
    html = pm_client.post(reverse("studies:plan", args=[study.pk]), data).content.decode()
    assert "A goal is a whole number of completes, 0 or more." in html
    assert 'value="lots"' in html and "Gender: Male, Female" in html
    assert not study.cells.exists()


def test_a_bad_line_is_said_next_to_the_dimensions(pm_client):
    study = StudyFactory()
    html = pm_client.post(reverse("studies:plan", args=[study.pk]), {"dimensions": "Age: kids", "action": "save"})
    block = html.content.decode().split('id="field-dimensions"', 1)[1].split('<div class="field', 1)[0]
    assert "“kids” is not an age range" in block and "Age: kids" in block


def test_changing_the_plan_keeps_the_cells_that_stay_with_their_mappings(pm, pm_client):
    study = StudyFactory(goal=600)
    give_plan(study, single="Gender: Male, Female\nAge: 18-34, 35-54, 55+")
    attached_tg(study, "cint", profiles_snapshot({"data": [cint_gender()]}))
    propose_mappings(study)
    male = Cell.objects.get(study=study, label="Male")
    female_mapping = Mapping.objects.get(study=study, cell__label="Female")
    choose_cell(female_mapping, Cell.objects.get(study=study, label="Female"), pm)
    url = reverse("studies:plan", args=[study.pk])
    data = {"dimensions": "Gender: Male\nAge: 18-34, 35-54, 55+", "action": "save"}

    html = pm_client.post(url, data).content.decode()

    assert "saving would leave them without a cell" in html and "Female → Female" in html
    assert Cell.objects.filter(study=study, label="Female").exists()

    response = pm_client.post(url, {**data, "drop_confirmed": "on"})

    assert response.status_code == 302
    assert Cell.objects.get(study=study, label="Male").pk == male.pk
    assert Mapping.objects.get(quota__text="Male").cell_id == male.pk
    female_mapping.refresh_from_db()
    assert female_mapping.cell is None


def test_the_form_starts_from_the_plan_the_study_has(pm_client):
    study = StudyFactory(goal=600)
    give_plan(study, interlocked="Gender: Male, Female\nAge: 18-34, 55+", single="Region: South = Texas | Florida")
    html = pm_client.get(reverse("studies:plan", args=[study.pk])).content.decode()
    assert "Gender: Male, Female\nAge: 18-34, 55+" in html
    assert "Region: South = Texas | Florida" in html
    assert 'name="interlock" id="id_interlock" checked' in html


def test_a_viewer_cannot_change_the_plan(viewer_client):
    study = StudyFactory()
    response = viewer_client.post(reverse("studies:plan", args=[study.pk]), plan_post(action="save"))
    assert response.status_code == 403 and not study.cells.exists()
