import { IConstruct } from 'constructs';
import { RuleReport } from './findings-report';
import { RuleLevel } from '../rules/rule';

/**
 * One finding of one rule on one object, with the fields of a line of
 * `coldstart-findings.jsonl`.
 */
export interface Finding {
  /** The rule's id, e.g. `CS-IMG-001`. */
  readonly ruleId: string;
  /** The rule's level: an unsuppressed error fails synth. */
  readonly level: RuleLevel;
  /** The rule's one-line summary. */
  readonly summary: string;
  /** Construct path of the ApiObject, to find it in the app. */
  readonly path: string;
  /** `Kind/name`, to find it among the manifests. */
  readonly object: string;
  /**
   * The object's namespace.
   * @default - the object sets none
   */
  readonly namespace?: string;
  /** The offending value as found. */
  readonly value: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it: the violation's own fix, else the rule's. */
  readonly fix: string;
  /**
   * The reason of the suppression that covers this finding.
   * @default - not suppressed
   */
  readonly suppressed?: string;
}

/**
 * Reads what the rule packs found, so tests and apps can assert on findings
 * without parsing the report file.
 */
export class Findings {
  /**
   * The findings on objects under `scope` (the whole app for the app), in the
   * order they were found, suppressed ones included. Packs judge when the app
   * is validated, so call it after `app.synth()`, `app.synthYaml()` or
   * `Testing.synth()`; before that it returns what earlier syntheses found.
   */
  public static of(scope: IConstruct): Finding[] {
    const path = scope.node.path;
    return RuleReport.of(scope.node.root).findings.filter(f => !path || f.path === path || f.path.startsWith(`${path}/`));
  }

  private constructor() {}
}
