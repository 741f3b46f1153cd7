"""What the demo coaches write: praise, a next focus and an action step per indicator, and field notes."""

from __future__ import annotations

# indicator key -> (glow, grow, action step). The strongest indicator of a visit gives the glow, the
# weakest the grow and the action step, so the text always matches the scores beside it.
COACHING: dict[str, tuple[str, str, str]] = {
    "routines": (
        "The materials routine ran on one cue: every table had supplies out in under a minute.",
        "The move from carpet to desks cost almost four minutes and the first task started late.",
        "Rehearse the carpet-to-desk transition with a 30-second timer and a single hand signal.",
    ),
    "on_task": (
        "Nearly every student was writing during independent practice; the room stayed busy all block.",
        "About a third of the room drifted during independent work once the first problem was done.",
        "Post a 'when you finish' task on the board before independent practice starts.",
    ),
    "redirection": (
        "Redirections were quick and private: a tap on the desk, a look, and the lesson kept moving.",
        "Several redirections were made from the front of the room and stopped the lesson each time.",
        "Use proximity and a non-verbal cue first; save the whole-class reset for when three or more drift.",
    ),
    "goal_clarity": (
        "Students could tell me the goal in their own words when I asked two of them.",
        "The goal was posted but never mentioned; students I asked could not say what they were learning.",
        "Open and close the lesson by having students read the goal aloud and say how today's task fits it.",
    ),
    "checks_for_understanding": (
        "The whiteboard check after the model showed you exactly which four students needed you next.",
        "Understanding was checked by asking 'any questions?', so the students who were lost stayed quiet.",
        "Plan one show-me check (whiteboards or fingers) right after the model; regroup from what you see.",
    ),
    "objective": (
        "The objective was measurable and the exit ticket matched it exactly.",
        "The objective named an activity ('complete the worksheet') rather than what students will learn.",
        "Rewrite tomorrow's objective as 'Students will be able to...' and check it against the exit ticket.",
    ),
    "lesson_flow": (
        "The lesson moved from model to guided to independent practice without losing anyone on the way.",
        "The model ran long, leaving only eight minutes for students to practise on their own.",
        "Time-stamp your plan (I do / we do / you do) and set a visible timer for the model.",
    ),
    "materials": (
        "The anchor chart and the practice sheets used the same language, so students could find help alone.",
        "Students waited for handouts mid-lesson while copies were made.",
        "Stage every handout in table bins before the bell.",
    ),
    "expectations": (
        "Expectations for talk were explicit ('whisper voices, partner only') and students held to them.",
        "Students were unsure whether they could talk or move during the task, and noise rose quickly.",
        "Before each task, state the voice level, the movement rule and what done looks like.",
    ),
    "procedures": (
        "Hand-in and pick-up procedures are clearly practised; papers came back sorted.",
        "Collecting papers took several minutes and interrupted the closing discussion.",
        "Assign a paper monitor per table and practise the collection routine twice this week.",
    ),
    "rapport": (
        "Warm, specific praise ('I like how you checked your units') lifted the quieter students.",
        "Praise went mostly to the same few students who answered first.",
        "Give specific praise to at least three students who have not spoken yet, each lesson.",
    ),
    "modelling": (
        "The think-aloud made the hidden step visible: students heard you check your own answer.",
        "The model showed the answer but not the thinking, so students copied steps without the why.",
        "Script your think-aloud for the model, naming the one decision students usually get wrong.",
    ),
    "questioning": (
        "Questions pushed for reasons ('how do you know?') and students built on each other's answers.",
        "Most questions had one-word answers and were taken from volunteers only.",
        "Plan three 'why/how' questions and use cold call with wait time for each.",
    ),
    "student_practice": (
        "Practice problems grew harder step by step and every student got to the stretch problem.",
        "Practice stayed at the level of the model, so stronger students finished early and waited.",
        "Add two stretch problems to each practice set and point early finishers to them.",
    ),
    "feedback_to_students": (
        "Feedback during circulation was short and actionable; students fixed errors on the spot.",
        "Circulation was mostly checking who had finished rather than looking at the work.",
        "Carry a clipboard while circulating and give one written next step on five papers per lesson.",
    ),
    "adjusting": (
        "When the check showed confusion you stopped, re-modelled with a new example and checked again.",
        "The check showed half the room was unsure, but the lesson moved on as planned.",
        "Decide before the lesson what you will do if fewer than 80% get the check right.",
    ),
    "quick_start": (
        "The group started within a minute of sitting down; the warm-up was already on the table.",
        "The group spent the first five minutes finding pencils and the right page.",
        "Set each small-group seat with materials and a warm-up card before students arrive.",
    ),
    "skill_focus": (
        "The whole group session stayed on one skill (blending) and students practised it many times.",
        "The session covered three skills and none got enough practice to stick.",
        "Pick one skill per group session and write it on the group's card before you start.",
    ),
    "wider_room": (
        "You scanned the room every few minutes and the independent tables stayed on task.",
        "The rest of the room got loud while you were with the group and you had to leave it twice.",
        "Teach the independent-work routine and scan the room at each change of activity in the group.",
    ),
    "every_student_responds": (
        "Choral and whisper-to-partner responses meant every student answered every item.",
        "The same two students answered while the others watched.",
        "Use choral response or whiteboards so every student answers each item.",
    ),
    "error_correction": (
        "Errors were corrected right away with a model, then the student tried again.",
        "Some errors went uncorrected and were practised again wrongly.",
        "Use 'my turn, together, your turn' the moment an error is heard, then return to that item later.",
    ),
    "exit_evidence": (
        "The quick exit check gave clear evidence of who mastered today's skill.",
        "The session ended without evidence of what each student could do alone.",
        "End every group with a two-item check each student does alone, and record it.",
    ),
}

SUBJECTS_ELEMENTARY = ["Reading", "Math", "Writing", "Science", "Phonics"]
SUBJECTS_MIDDLE = ["Math", "ELA", "Science", "Social Studies"]

# Field notes a coach types during a visit; {n} is a count of students.
EVIDENCE = [
    "Opened with a warm-up on the board; {n} students started without a prompt.",
    "Teacher modelled the first problem aloud, pausing to ask what comes next.",
    "{n} students had whiteboards up within ten seconds of the prompt.",
    "Partner talk: most pairs used the sentence stem on the anchor chart.",
    "Two students at the back table were off task for several minutes before a redirect.",
    "Cold call used three times; wait time of about three seconds each time.",
    "Transition to independent work took about two minutes.",
    "Teacher circulated and gave quick feedback to {n} students.",
    "Exit ticket handed out with five minutes left; collected at the door.",
    "A student explained the strategy to the class using the document camera.",
    "Noise rose during the group task; a countdown brought the room back in under a minute.",
    "The goal was read aloud together at the start and revisited at the end.",
]

REFLECTIONS = [
    "Thanks — I tried the timer today and the transition took half as long.",
    "I agree the model ran long. I'm going to script it for tomorrow.",
    "Good catch on the back table. I moved two students and it already feels calmer.",
    "I'd like to see how you run the whiteboard check; can I watch you with my group on Thursday?",
    "The stretch problems worked — my early finishers stayed busy all block.",
    "This one is hard for me. Could we plan the next lesson together?",
]

MASTERY_NOTES = [
    "Seen consistently across three visits.",
    "Now part of the daily routine; students do it without a prompt.",
    "Mastered: the change held up in two quick looks this week.",
]
