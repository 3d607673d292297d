/**
 * Reading the fields of an ARM response against the types its API defines.
 * A field that is absent (undefined or null, where the API allows absence) is
 * absent; a field of another type or format is a malformed response that
 * names the resource, the field's path in the ARM body, what was found and
 * what the API defines, never a null: a garbled value must not switch a rule
 * off. An entry of a list that is null or of the wrong type is an error too,
 * never dropped.
 */
import type { StringFormat } from "../../core/baseline/formats.js";
import type { GateError } from "../../core/errors.js";
import { malformed } from "./failures.js";
import { parseResourceId } from "../../core/arm-ids.js";

type Json = Record<string, unknown>;

/** What a string field must be: the baseline's formats, so a capture only keeps what the baseline can hold. */
export type Format = Pick<StringFormat, "describe" | "test">;

/** Any ARM resource ID (a VM, a scale set, an instance). */
export const ARM_ID: Format = {
  describe: "an ARM resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/...)",
  test: (value) => parseResourceId(value) !== null,
};

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** A value as the message shows it: short JSON and its JSON type. */
function shown(value: unknown): string {
  if (value === null) return "null";
  const kind = Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`;
  const json = JSON.stringify(value) ?? String(value);
  return `${json.length > 60 ? `${json.slice(0, 57)}...` : json} (${kind})`;
}

/** The fields of one object of an ARM body, named by their path from the body's root. */
export class Fields {
  private constructor(
    readonly resourceId: string,
    /** The path of this object in the body; "" for the body itself. */
    readonly path: string,
    private readonly value: Json,
  ) {}

  /**
   * A resource's body (`what`: "the route table"), which must be an object;
   * `path` names it in the ARM body when it is a flattened SDK model's view.
   */
  static of(resourceId: string, body: unknown, what: string, path = ""): Fields {
    if (!isObject(body)) throw malformed(resourceId, `${what} is ${shown(body)}, where the API defines an object`);
    return new Fields(resourceId, path, body);
  }

  /** The same fields, with errors naming another resource (a list entry's own ID). */
  about(resourceId: string): Fields {
    return new Fields(resourceId, this.path, this.value);
  }

  /** The path of a key of this object: `properties.routes[2].properties.addressPrefix`. */
  pathOf(key: string | number): string {
    if (typeof key === "number") return `${this.path}[${key}]`;
    return this.path ? `${this.path}.${key}` : key;
  }

  /** The error for a field whose value is not what the API defines. */
  wrong(key: string | number, found: unknown, wanted: string): GateError {
    return malformed(this.resourceId, `${this.pathOf(key)} is ${shown(found)}, where the API defines ${wanted}`);
  }

  missing(key: string): GateError {
    return malformed(this.resourceId, `${this.pathOf(key)} is missing`);
  }

  has(key: string): boolean {
    return !isAbsent(this.value[key]);
  }

  /** A nested object, or null when absent. */
  object(key: string): Fields | null {
    const value = this.value[key];
    if (isAbsent(value)) return null;
    if (!isObject(value)) throw this.wrong(key, value, "an object");
    return new Fields(this.resourceId, this.pathOf(key), value);
  }

  /** A string, or null when absent or empty. */
  text(key: string): string | null {
    const value = this.value[key];
    if (isAbsent(value)) return null;
    if (typeof value !== "string") throw this.wrong(key, value, "a string");
    return value === "" ? null : value;
  }

  /** A string of a format (a CIDR, an IP, an ID), or null when absent or empty. */
  formatted(key: string, format: Format): string | null {
    const value = this.text(key);
    if (value !== null && !format.test(value)) throw this.wrong(key, value, format.describe);
    return value;
  }

  /** An integer (the API's int32), or null when absent. */
  integer(key: string): number | null {
    const value = this.value[key];
    if (isAbsent(value)) return null;
    if (typeof value !== "number" || !Number.isSafeInteger(value)) throw this.wrong(key, value, "an integer");
    return value;
  }

  boolean(key: string): boolean | null {
    const value = this.value[key];
    if (isAbsent(value)) return null;
    if (typeof value !== "boolean") throw this.wrong(key, value, "a boolean (true or false)");
    return value;
  }

  /** A list, each entry read by `each`; [] when absent. */
  list<T>(key: string, each: (entry: unknown, index: number, list: Fields) => T): T[] {
    const value = this.value[key];
    if (isAbsent(value)) return [];
    if (!Array.isArray(value)) throw this.wrong(key, value, "an array");
    const list = new Fields(this.resourceId, this.pathOf(key), {});
    return value.map((entry: unknown, index) => each(entry, index, list));
  }

  /** A list of objects; a null or non-object entry is an error. */
  objects(key: string): Fields[] {
    return this.list(key, (entry, index, list) => {
      if (!isObject(entry)) throw list.wrong(index, entry, "an object");
      return new Fields(this.resourceId, list.pathOf(index), entry);
    });
  }

  /** A list of strings, each of `format` when given; a null, empty or other entry is an error. */
  strings(key: string, format?: Format): string[] {
    const wanted = format?.describe ?? "a non-empty string";
    return this.list(key, (entry, index, list) => {
      if (typeof entry !== "string" || entry === "" || (format && !format.test(entry))) {
        throw list.wrong(index, entry, wanted);
      }
      return entry;
    });
  }

  /** A map of strings (ARM's `tags`); {} when absent. */
  stringMap(key: string): Record<string, string> {
    const map = this.object(key);
    if (!map) return {};
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(map.value)) {
      if (typeof value !== "string") throw map.wrong(name, value, "a string");
      result[name] = value;
    }
    return result;
  }
}
