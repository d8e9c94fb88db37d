/** Tests for parseDuration / formatDuration. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, parseDuration } from "../../../src/config/duration.ts";

test("parseDuration() reads each unit", () => {
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("5s"), 5000);
  assert.equal(parseDuration("2m"), 120_000);
  assert.equal(parseDuration("1h"), 3_600_000);
});

test("parseDuration() adds up compound durations and fractions", () => {
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("1h2m3s4ms"), 3_723_004);
  assert.equal(parseDuration("1.5s"), 1500);
  assert.equal(parseDuration("0.1h"), 360_000);
});

test("parseDuration() takes bare numbers as milliseconds", () => {
  assert.equal(parseDuration(750), 750);
  assert.equal(parseDuration("750"), 750);
  assert.equal(parseDuration(0), 0);
});

test("parseDuration() names an unknown unit", () => {
  assert.throws(() => parseDuration("5x"), {
    name: "RangeError",
    message: 'Cannot parse duration "5x": unknown unit "x"',
  });
  assert.throws(() => parseDuration("1m30sec"), /unknown unit "sec"/);
});

test("parseDuration() refuses empty, negative and unit-less compound text", () => {
  assert.throws(() => parseDuration(""), /Cannot parse duration "": it is empty/);
  assert.throws(() => parseDuration(-5), /Cannot parse duration -5/);
  assert.throws(() => parseDuration("-5s"), /Cannot parse duration "-5s"/);
  assert.throws(() => parseDuration("1m30"), /missing unit after "30"/);
  assert.throws(() => parseDuration("fast"), /Cannot parse duration "fast"/);
  assert.throws(() => parseDuration(Number.NaN), /Cannot parse duration NaN/);
});

test("formatDuration() writes the short form back", () => {
  assert.equal(formatDuration(90_000), "1m30s");
  assert.equal(formatDuration(250), "250ms");
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(3_723_004), "1h2m3s4ms");
});
