/**
 * The repository conformance kit.
 *
 * @packageDocumentation
 */
export {};
