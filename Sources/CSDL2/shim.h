#pragma once
// SDL2 for the call window, SDL2_ttf for its text (Debian libsdl2-dev, libsdl2-ttf-dev).
#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>
