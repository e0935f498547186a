"""`file_system` operations for "when" questions: each command, by the text typed."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, preface
from synrl.suite.file_system.task import FileSystem

COMMANDS = ("mkdir", "touch", "rm", "mv", "cp", "cd")


@register_namer("file_system")
def name_events(sim):
    def command(event):
        typed = event.params["command"]
        return (f"When is the command `{typed}` typed and run{NTH}?",
                f"the command `{typed}` runs{NTH}")
    return by_type(sim, dict.fromkeys(COMMANDS, command), preface(FileSystem(), sim))
