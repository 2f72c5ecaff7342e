"""The police-custody story several tests tell (knowledge/scenarios/t_dated_stories.yaml): a
16-year-old arrested on Friday 27 February 2026 at 19:00 and held since, parents told, with a
lawyer, in proper conditions; the answers as a case file writes them."""

FRIDAY_ARREST = {
    "first_contact": "arrested",
    "arrest_datetime": "2026-02-27T19:00",
    "parents_notified": "notified",
    "legal_assistance": True,
    "custody_conditions": ["none_of_these"],
    "age_at_conduct": 16,
    "age_now": 16,
    "currently_detained": True,
    "detention_start_date": "2026-02-27",
}
