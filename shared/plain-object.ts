/**
 * The plain-object test used on both sides of the bridge. "Plain" means made by `{…}` or
 * `Object.create(null)` in *any* realm: in Firefox, objects a content script receives from the
 * page keep the page's `Object.prototype` (behind an Xray wrapper), so comparing with this
 * realm's `Object.prototype` refused every page argument. A realm's `Object.prototype` is known
 * by its own prototype being `null` (immutable there); arrays, Maps, class instances and
 * functions all have a longer chain. Only own properties are ever read or copied from such objects.
 */

/** True for `{…}` objects of any realm (prototype `Object.prototype` or `null`): no arrays, class instances or Maps. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: object | null = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}
