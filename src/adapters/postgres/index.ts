/**
 * PostgresSeatRepository.
 *
 * @packageDocumentation
 */
export {};
