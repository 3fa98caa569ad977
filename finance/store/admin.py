"""Workspaces, members and the audit log from the command line: ``python -m finance.store.admin``.

    python -m finance.store.admin workspaces
    python -m finance.store.admin create-workspace barnsley "Barnsley federation"
    python -m finance.store.admin add-member barnsley ann@nhs.net [--role admin|member|practice] [--practice C85001]
    python -m finance.store.admin remove-member barnsley ann@nhs.net
    python -m finance.store.admin members barnsley
    python -m finance.store.admin audit barnsley [--limit 50]
    python -m finance.store.admin migrate

The store is the one the app uses (FINANCE_DATABASE_URL, else FINANCE_SCENARIO_STORE, else
data/scenarios.duckdb). Changes are recorded in the audit log under ``--actor`` (default: the
operating-system user, as admin:NAME). Exit 0 on success, 1 with one plain sentence on a problem.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from finance.errors import StoreError
from finance.store.audit import AuditLog
from finance.store.backend import open_backend
from finance.store.migrate import migrate
from finance.store.workspaces import ROLES, WorkspaceStore


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m finance.store.admin", description="Workspaces, members and the audit log.")
    parser.add_argument("--actor", default=None, help="who to record in the audit log (default: admin:<your user name>)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("workspaces", help="list the workspaces")
    create = commands.add_parser("create-workspace", help="make a new workspace")
    create.add_argument("workspace")
    create.add_argument("name")
    add = commands.add_parser("add-member", help="give a user a role in a workspace")
    add.add_argument("workspace")
    add.add_argument("user", help="the e-mail address they sign in with")
    add.add_argument("--role", choices=ROLES, default="member")
    add.add_argument("--practice", default=None, help="the practice code a 'practice' member is limited to")
    remove = commands.add_parser("remove-member", help="take a user out of a workspace")
    remove.add_argument("workspace")
    remove.add_argument("user")
    members = commands.add_parser("members", help="list a workspace's members")
    members.add_argument("workspace")
    audit = commands.add_parser("audit", help="a workspace's latest changes, newest first")
    audit.add_argument("workspace")
    audit.add_argument("--limit", type=int, default=50)
    commands.add_parser("migrate", help="bring the store's schema up to date (the app does this by itself)")
    args = parser.parse_args(argv)

    backend = open_backend()
    admin = WorkspaceStore(backend=backend, actor=args.actor or f"admin:{getpass.getuser()}")
    try:
        if args.command == "workspaces":
            for workspace in admin.workspaces():
                print(f"{workspace.workspace_id}\t{workspace.name}")
        elif args.command == "create-workspace":
            made = admin.create(args.workspace, args.name)
            print(f"Created workspace '{made.workspace_id}' ({made.name}).")
        elif args.command == "add-member":
            member = admin.add_member(args.workspace, args.user, args.role, args.practice)
            limited = f" (practice {member.practice_code} only)" if member.practice_code else ""
            print(f"{member.user_id} is now '{member.role}' in workspace '{member.workspace_id}'{limited}.")
        elif args.command == "remove-member":
            admin.remove_member(args.workspace, args.user)
            print(f"Removed {args.user.strip().lower()} from workspace '{args.workspace}'.")
        elif args.command == "members":
            for member in admin.members(args.workspace):
                print("\t".join([member.user_id, member.role, member.practice_code or ""]).rstrip())
        elif args.command == "audit":
            for entry in AuditLog(backend=backend).entries(args.workspace, limit=args.limit):
                print(entry)
        elif args.command == "migrate":
            print(f"The store is at schema version {backend.transaction(migrate)} ({backend.describe()}).")
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
