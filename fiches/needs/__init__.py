"""Needs without an answer: the searches that found nothing or little, counted anonymously
(`UnansweredSearch`), and what agents say with "Je n'ai pas trouvé" (`NeedReport`), so that the
département sees the needs nobody answers, by territory.

Part of `fiches` (a search is the fiches'); its models are registered through `fiches.models`.
Nothing about a person is kept: no address, no user, no session, no exact time — the words, the
commune's EPCI and territory, the week. Moderators read them in the admin ("Besoins sans
réponse", `moderation`); `NeedReport` texts are deleted after `FICHES_NEED_REPORT_MONTHS`.
"""
