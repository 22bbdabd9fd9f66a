"""Read template.yaml (and infra/force.yaml): parameters, conditions and intrinsic functions.

The local stack creates nothing that the template does not declare, so local and deployed cannot drift.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfnlint.decode.cfn_yaml import load

ACCOUNT_ID = "123456789012"
_SUB = re.compile(r"\$\{([^}!]+)\}")


@functools.lru_cache(maxsize=8)
def _parsed(path: str, mtime_ns: int) -> str:
    """A template file as JSON text, parsed once per version of the file (plain copies of cfn-lint's
    str/dict nodes with line marks): every functional test provisions from the same files."""
    return json.dumps(load(path))


class NotReadyError(Exception):
    """A value depends on a resource that has not been created yet."""


@dataclass
class Template:
    path: Path
    body: dict[str, Any]
    parameters: dict[str, Any]
    region: str
    stack_name: str = "caseline-local"
    physical: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, *, region: str, overrides: Mapping[str, Any] | None = None) -> Template:
        body = json.loads(_parsed(str(path), path.stat().st_mtime_ns))
        params: dict[str, Any] = {}
        for name, spec in body.get("Parameters", {}).items():
            value = (overrides or {}).get(name, spec.get("Default"))
            if spec.get("Type") == "CommaDelimitedList" and isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            params[name] = value
        return cls(path=path, body=body, parameters=params, region=region)

    # ------------------------------------------------------------ structure
    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.body["Resources"])

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: spec for name, spec in self.resources.items() if spec.get("Type") == kind}

    @property
    def globals_function(self) -> dict[str, Any]:
        return dict(self.body.get("Globals", {}).get("Function", {}))

    # ------------------------------------------------------------ intrinsics
    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.body.get("Conditions", {})[name]))

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack_name,
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical:
            return self.physical[name]["Ref"]
        if name in self.resources:
            raise NotReadyError(name)
        raise KeyError(f"unknown Ref {name}")

    def get_att(self, name: str, attribute: str) -> Any:
        if name not in self.physical:
            raise NotReadyError(name)
        return self.physical[name][attribute]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            handler = self._intrinsics().get(key)
            if handler is not None:
                return handler(arg)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not None}  # AWS::NoValue: no such property

    def _intrinsics(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": lambda arg: self.ref(arg),
            "Fn::GetAtt": self._fn_get_att,
            "Fn::Sub": self._fn_sub,
            "Fn::Join": lambda arg: arg[0].join(str(v) for v in self.resolve(arg[1])),
            "Fn::Select": lambda arg: self.resolve(arg[1])[int(self.resolve(arg[0]))],
            "Fn::Split": lambda arg: self.resolve(arg[1]).split(arg[0]),
            "Fn::If": lambda arg: self.resolve(arg[1] if self.condition(arg[0]) else arg[2]),
            "Fn::Equals": lambda arg: self.resolve(arg[0]) == self.resolve(arg[1]),
            "Fn::Not": lambda arg: not self.resolve(arg[0]),
            "Fn::And": lambda arg: all(self.resolve(v) for v in arg),
            "Fn::Or": lambda arg: any(self.resolve(v) for v in arg),
            "Condition": lambda arg: self.condition(arg),
            "Fn::ToJsonString": lambda arg: json.dumps(self.resolve(arg)),
        }

    def _fn_get_att(self, arg: Any) -> Any:
        name, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
        return self.get_att(name, attribute)

    def _fn_sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return str(self.get_att(*name.split(".", 1)))
            return str(self.ref(name))

        return _SUB.sub(replace, text)
