"""Every write people make around meetings, one function per thing a person does.

Each asks sessions.policy what the model cannot know, writes (state moves by the
model's conditional UPDATE on `version`), and schedules its pushes with
`transaction.on_commit` through live.broadcast. Views parse the request, call one
action, and render; models never push.
"""
